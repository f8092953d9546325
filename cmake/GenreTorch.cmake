# LibTorch and the optional CUDA/NCCL path, found once here (included after the
# other dependencies). Defines:
#   genre::torch            LibTorch, its include dirs as SYSTEM (no warnings from them)
#   GENRE_TORCH_HAS_CUDA    whether this LibTorch was built with CUDA
#   GENRE_HAVE_NCCL         whether the NCCL communicator is compiled
#   genre::nccl             NCCL + CUDA runtime, only when GENRE_HAVE_NCCL
#
# GENRE_WITH_NCCL (declared in the top-level CMakeLists): AUTO compiles the NCCL
# communicator when LibTorch has CUDA and NCCL is found; ON insists and fails
# with the reason; OFF never looks.

# A CUDA LibTorch 2.1-2.5 looks for CUDA::nvToolsExt, which CUDA 12.9 and
# later (this image has 13) no longer ship: their NVTX is the header-only
# CUDA::nvtx3, which serves the same calls. Harmless for a CPU LibTorch.
find_package(CUDAToolkit QUIET)
if(TARGET CUDA::nvtx3 AND NOT TARGET CUDA::nvToolsExt)
  add_library(CUDA::nvToolsExt INTERFACE IMPORTED)
  target_link_libraries(CUDA::nvToolsExt INTERFACE CUDA::nvtx3)
endif()

find_package(Torch REQUIRED)
list(FILTER TORCH_LIBRARIES EXCLUDE REGEX "-NOTFOUND$")
# The pre-C++11-ABI LibTorch downloads cannot link with Debian's C++ libraries
# (yaml-cpp, Boost, spdlog): say so here rather than with a page of undefined
# std::string symbols at link time.
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  message(FATAL_ERROR "the LibTorch at ${Torch_DIR} uses the pre-C++11 ABI, which cannot link with this system's "
                      "C++ libraries: use the cxx11-abi LibTorch download")
endif()

# A CUDA LibTorch (1.13 or 2.x) defines the torch_cuda / c10_cuda targets or
# CAFFE2_USE_CUDA; Debian's CPU build defines none of them.
set(GENRE_TORCH_HAS_CUDA OFF)
if(TARGET torch_cuda OR TARGET c10_cuda OR CAFFE2_USE_CUDA)
  set(GENRE_TORCH_HAS_CUDA ON)
endif()

if(NOT TARGET genre::torch)
  add_library(genre::torch INTERFACE IMPORTED)
  target_link_libraries(genre::torch INTERFACE ${TORCH_LIBRARIES})
  target_include_directories(genre::torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
  if(TORCH_CXX_FLAGS)
    separate_arguments(_genre_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
    target_compile_options(genre::torch INTERFACE ${_genre_torch_flags})
  endif()
endif()

set(GENRE_HAVE_NCCL OFF)
string(TOUPPER "${GENRE_WITH_NCCL}" _genre_nccl_mode)
if(NOT _genre_nccl_mode MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "GENRE_WITH_NCCL must be AUTO, ON or OFF (got '${GENRE_WITH_NCCL}')")
endif()

if(NOT _genre_nccl_mode STREQUAL "OFF")
  set(_genre_nccl_why "")
  if(NOT GENRE_TORCH_HAS_CUDA)
    set(_genre_nccl_why "the LibTorch found at ${Torch_DIR} was built without CUDA; the NCCL communicator moves CUDA tensors, so it needs a CUDA LibTorch (point Torch_DIR at one)")
  else()
    find_package(CUDAToolkit QUIET)
    find_path(NCCL_INCLUDE_DIR nccl.h
      HINTS ENV NCCL_HOME ENV NCCL_ROOT ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda
      PATH_SUFFIXES include)
    find_library(NCCL_LIBRARY nccl
      HINTS ENV NCCL_HOME ENV NCCL_ROOT ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda
      PATH_SUFFIXES lib lib64)
    if(NOT CUDAToolkit_FOUND)
      set(_genre_nccl_why "the CUDA toolkit (cuda_runtime.h, libcudart) was not found; set CUDAToolkit_ROOT")
    elseif(NOT NCCL_INCLUDE_DIR OR NOT NCCL_LIBRARY)
      set(_genre_nccl_why "nccl.h / libnccl were not found; set NCCL_HOME (or NCCL_INCLUDE_DIR and NCCL_LIBRARY)")
    endif()
  endif()

  if(_genre_nccl_why STREQUAL "")
    set(GENRE_HAVE_NCCL ON)
    add_library(genre::nccl INTERFACE IMPORTED)
    target_include_directories(genre::nccl SYSTEM INTERFACE ${NCCL_INCLUDE_DIR})
    target_link_libraries(genre::nccl INTERFACE ${NCCL_LIBRARY} CUDA::cudart)
    message(STATUS "genre: NCCL communicator ON (${NCCL_LIBRARY})")
  elseif(_genre_nccl_mode STREQUAL "ON")
    message(FATAL_ERROR "GENRE_WITH_NCCL=ON but the NCCL communicator cannot be built: ${_genre_nccl_why}")
  else()
    message(STATUS "genre: NCCL communicator OFF (${_genre_nccl_why})")
  endif()
else()
  message(STATUS "genre: NCCL communicator OFF (GENRE_WITH_NCCL=OFF)")
endif()

# Without a CUDA LibTorch the NCCL communicator is not built, but where the
# CUDA runtime and NCCL headers are on the machine (this image has them under
# /usr/local/cuda) its source is still compiled, not linked, against them and
# LibTorch's c10/cuda headers, so that code cannot rot unseen on CPU-only CI.
set(GENRE_NCCL_SOURCE_CHECK OFF)
if(NOT GENRE_HAVE_NCCL AND NOT _genre_nccl_mode STREQUAL "OFF")
  find_path(GENRE_CUDA_RUNTIME_INCLUDE cuda_runtime_api.h
    HINTS ENV CUDA_HOME ENV CUDA_PATH /usr/local/cuda PATH_SUFFIXES include)
  find_path(GENRE_NCCL_INCLUDE nccl.h HINTS ENV NCCL_HOME ENV NCCL_ROOT /usr/local/cuda PATH_SUFFIXES include)
  find_path(GENRE_C10_CUDA_INCLUDE c10/cuda/CUDAStream.h HINTS ${TORCH_INCLUDE_DIRS})
  if(GENRE_CUDA_RUNTIME_INCLUDE AND GENRE_NCCL_INCLUDE AND GENRE_C10_CUDA_INCLUDE)
    set(GENRE_NCCL_SOURCE_CHECK ON)
    set(GENRE_NCCL_CHECK_INCLUDES ${GENRE_CUDA_RUNTIME_INCLUDE} ${GENRE_NCCL_INCLUDE})
    # CPU builds of LibTorch ship c10/cuda without the header their CMake generates.
    if(NOT EXISTS "${GENRE_C10_CUDA_INCLUDE}/c10/cuda/impl/cuda_cmake_macros.h")
      set(_stub "${CMAKE_BINARY_DIR}/genre_cuda_stub")
      file(WRITE "${_stub}/c10/cuda/impl/cuda_cmake_macros.h" "#pragma once\n#define C10_CUDA_BUILD_SHARED_LIBS\n")
      list(APPEND GENRE_NCCL_CHECK_INCLUDES "${_stub}")
    endif()
    message(STATUS "genre: NCCL communicator source compile-checked only (no CUDA LibTorch)")
  endif()
endif()
