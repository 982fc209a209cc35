# Finds the Go toolchain used to build the Go test programs, examples and the
# Go binding's tests. /usr/local/go is where the project machines keep it.
find_program(CG_GO_EXECUTABLE go HINTS /usr/local/go/bin ENV GOROOT PATH_SUFFIXES bin)
if(CG_GO_EXECUTABLE)
  execute_process(COMMAND ${CG_GO_EXECUTABLE} env GOVERSION
                  OUTPUT_VARIABLE CG_GO_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
  message(STATUS "Go toolchain: ${CG_GO_EXECUTABLE} (${CG_GO_VERSION})")
else()
  message(STATUS "Go toolchain not found: tests that build Go programs are disabled")
endif()
