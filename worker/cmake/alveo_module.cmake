# SPDX-License-Identifier: Apache-2.0
# Helpers shared by every module: one warnings target and one function that declares a module.

add_library(alveo_warnings INTERFACE)
target_compile_options(alveo_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${ALVEO_WERROR}>:-Werror>)

# alveo_add_module(NAME <name> SOURCES ... [DEPS <alveo modules>] [PRIVATE_DEPS <third-party targets>])
# Creates the static library alveo_<name>. Headers are included as "<name>/<file>.h" from worker/.
function(alveo_add_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target alveo_${M_NAME})
  add_library(${target} STATIC ${M_SOURCES})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/worker>)
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(${target} PUBLIC alveo_${dep})
  endforeach()
  target_link_libraries(${target} PRIVATE alveo_warnings ${M_PRIVATE_DEPS})
endfunction()
