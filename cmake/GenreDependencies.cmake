# Every external dependency is found here, once; targets elsewhere only link the
# imported targets this file defines. All come from Debian 12 packages
# (scripts/install-deps.sh installs them).

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile>=1.1)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)

# HDF5's CMake module predates imported targets on Debian's 1.10; wrap it.
if(NOT TARGET genre::hdf5)
  add_library(genre::hdf5 INTERFACE IMPORTED)
  target_include_directories(genre::hdf5 INTERFACE ${HDF5_INCLUDE_DIRS})
  target_link_libraries(genre::hdf5 INTERFACE ${HDF5_C_LIBRARIES})
  target_compile_definitions(genre::hdf5 INTERFACE ${HDF5_DEFINITIONS})
endif()

if(GENRE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(GENRE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
