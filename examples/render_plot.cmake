# Renders one gnuplot script an example wrote and checks the figure: gnuplot must succeed without
# a word on stderr (warnings such as "Skipping data file with no valid points" mean a broken
# figure), and <stem>.png and <stem>.pdf must be written and non-empty.
#   cmake -DGNUPLOT=... -DDIR=... -DSTEM=... -P render_plot.cmake
foreach(ext png pdf)
  file(REMOVE "${DIR}/${STEM}.${ext}")
endforeach()
execute_process(COMMAND "${GNUPLOT}" "${STEM}.gp" WORKING_DIRECTORY "${DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "gnuplot ${STEM}.gp failed (exit ${rc}):\n${out}${err}")
endif()
foreach(ext png pdf)
  if(NOT EXISTS "${DIR}/${STEM}.${ext}")
    message(FATAL_ERROR "${STEM}.${ext} was not written")
  endif()
  file(SIZE "${DIR}/${STEM}.${ext}" size)
  if(size LESS 1000)
    message(FATAL_ERROR "${STEM}.${ext} has only ${size} bytes")
  endif()
  message(STATUS "${STEM}.${ext}: ${size} bytes")
endforeach()
