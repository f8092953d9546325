# One interface target carries the project's warning flags; every target links it
# instead of touching global flags.
add_library(genre_warnings INTERFACE)
target_compile_options(genre_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
