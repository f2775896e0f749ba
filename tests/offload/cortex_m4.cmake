# CTest offload_cortex_m4 (docs/offload.md): compile mcu_tu.cpp for Cortex-M4F and print
# the section sizes. -DGXX -DSIZE -DSRC -DOUT.
execute_process(
  COMMAND "${GXX}" -std=c++20 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -fno-exceptions -fno-rtti
          -Wall -Wextra -Werror "-I${SRC}/include" -c "${SRC}/tests/offload/mcu_tu.cpp" -o "${OUT}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "Cortex-M4 compile failed:\n${out}")
endif()
execute_process(COMMAND "${SIZE}" "${OUT}" OUTPUT_VARIABLE sizes)
message(STATUS "arm-none-eabi-size mcu_tu.o:\n${sizes}")
