# Flags for idn's own targets (tests, examples, benches). Never applied to the exported target.
add_library(idn_dev_flags INTERFACE)
target_compile_options(idn_dev_flags INTERFACE -Wall -Wextra -Wpedantic)
if(IDN_WARNINGS_AS_ERRORS)
  target_compile_options(idn_dev_flags INTERFACE -Werror)
endif()
# Eigen and xtensor are system headers: their own warnings are not ours to fix.
target_link_libraries(idn_dev_flags INTERFACE idn::idn)
