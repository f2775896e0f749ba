# CTest offload_freestanding (docs/offload.md), run with cmake -P:
#   -DSRC=<repo> -DCXX=<compiler> -DOUT=<scratch dir>
# 1. No throw / try / typeid / dynamic_cast / non-placement new under include/idn/offload/
#    outside throwing.hpp (comments stripped).
# 2. Every offload header except throwing.hpp compiles alone with -std=c++20 -fno-exceptions
#    -fno-rtti -Wall -Wextra -Wpedantic -Werror and only include/ on the path; an #error fires if
#    Eigen or xtensor got pulled in.
file(GLOB_RECURSE headers "${SRC}/include/idn/offload/*.hpp")
list(APPEND headers "${SRC}/include/idn/offload.hpp")
set(word "[^A-Za-z0-9_]")
set(failed "")
foreach(h IN LISTS headers)
  get_filename_component(name "${h}" NAME)
  if(name STREQUAL "throwing.hpp")
    continue()
  endif()
  file(READ "${h}" content)
  string(REPLACE ";" "," content "${content}")  # ';' would split CMake list items
  string(REPLACE "[" "(" content "${content}")
  string(REPLACE "]" ")" content "${content}")
  string(REPLACE "\n" ";" lines "${content}")
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    string(REGEX REPLACE "//.*$" "" code " ${line} ")
    string(REGEX REPLACE "\"[^\"]*\"" "\"\"" code "${code}")  # string literals
    if(code MATCHES "${word}(throw|try|typeid|dynamic_cast)${word}" OR code MATCHES "${word}new[ \t]+[A-Za-z_:]")
      list(APPEND failed "${h}:${n}: forbidden construct: ${line}")
    endif()
  endforeach()
  file(RELATIVE_PATH rel "${SRC}/include" "${h}")
  string(MAKE_C_IDENTIFIER "${rel}" id)
  set(tu "${OUT}/${id}.cpp")
  file(WRITE "${tu}" "#include \"${rel}\"\n#if defined(EIGEN_WORLD_VERSION) || defined(XTENSOR_VERSION_MAJOR)\n#error \"${rel} pulled in Eigen or xtensor\"\n#endif\n")
  execute_process(
    COMMAND "${CXX}" -std=c++20 -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Werror -fsyntax-only
            "-I${SRC}/include" "${tu}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    list(APPEND failed "${rel}: does not compile freestanding:\n${out}")
  else()
    message(STATUS "ok: ${rel}")
  endif()
endforeach()
if(failed)
  list(JOIN failed "\n" msg)
  message(FATAL_ERROR "${msg}")
endif()
