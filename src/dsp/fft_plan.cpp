#include "dsp/fft_plan.h"

#include <fftw3.h>

#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "common/error.h"

namespace genre::dsp {

namespace {

// FFTW's planner keeps process-wide state (wisdom, the planner object) with no
// locking of its own; this lock is the one place that serialises it.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// The fftw / fftwf entry points, picked by precision. std::complex<Real> is
// layout-compatible with Real[2] ([complex.numbers]), FFTW's complex type.
template <class Real>
struct Fftw;

template <>
struct Fftw<float> {
  static fftwf_plan r2c(int n, float* in, std::complex<float>* out) {
    return fftwf_plan_dft_r2c_1d(n, in, reinterpret_cast<fftwf_complex*>(out), FFTW_ESTIMATE);
  }
  static fftwf_plan c2r(int n, std::complex<float>* in, float* out) {
    return fftwf_plan_dft_c2r_1d(n, reinterpret_cast<fftwf_complex*>(in), out, FFTW_ESTIMATE);
  }
  static void execute(fftwf_plan p) { fftwf_execute(p); }
};

template <>
struct Fftw<double> {
  static fftw_plan r2c(int n, double* in, std::complex<double>* out) {
    return fftw_plan_dft_r2c_1d(n, in, reinterpret_cast<fftw_complex*>(out), FFTW_ESTIMATE);
  }
  static fftw_plan c2r(int n, std::complex<double>* in, double* out) {
    return fftw_plan_dft_c2r_1d(n, reinterpret_cast<fftw_complex*>(in), out, FFTW_ESTIMATE);
  }
  static void execute(fftw_plan p) { fftw_execute(p); }
};

void check_size(std::size_t n, const char* what) {
  if (n < 2 || n % 2 != 0)
    throw Error(std::string(what) + ": FFT size must be even and at least 2, got " + std::to_string(n));
}

// Planning may scribble on the buffers (FFTW_MEASURE would); they are ours
// and get overwritten before every execute().
template <class Plan, class Make>
Plan make_plan(Make make, const char* what, std::size_t n) {
  Plan plan;
  {
    const std::lock_guard<std::mutex> lock(planner_mutex());
    plan.reset(make());
  }
  if (!plan) throw Error(std::string("FFTW could not plan a ") + what + " of size " + std::to_string(n));
  return plan;
}

}  // namespace

namespace detail {
// One allocator (fftw_malloc) for both precisions: FFTW only needs the
// alignment, and fftw_free must match fftw_malloc.
void FftwFree::operator()(void* p) const { fftw_free(p); }
void FftwPlanDestroy::operator()(fftwf_plan_s* p) const {
  const std::lock_guard<std::mutex> lock(planner_mutex());
  fftwf_destroy_plan(p);
}
void FftwPlanDestroy::operator()(fftw_plan_s* p) const {
  const std::lock_guard<std::mutex> lock(planner_mutex());
  fftw_destroy_plan(p);
}
}  // namespace detail

template <class T>
FftwArray<T> make_fftw_array(std::size_t n) {
  const std::size_t bytes = (n == 0 ? 1 : n) * sizeof(T);
  void* p = fftw_malloc(bytes);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  return FftwArray<T>(static_cast<T*>(p));
}

template FftwArray<float> make_fftw_array<float>(std::size_t);
template FftwArray<double> make_fftw_array<double>(std::size_t);
template FftwArray<std::complex<float>> make_fftw_array<std::complex<float>>(std::size_t);
template FftwArray<std::complex<double>> make_fftw_array<std::complex<double>>(std::size_t);

template <class Real>
ForwardFft<Real>::ForwardFft(std::size_t n) : n_(n) {
  check_size(n, "forward FFT");
  in_ = make_fftw_array<Real>(n);
  out_ = make_fftw_array<std::complex<Real>>(bins());
  plan_ = make_plan<detail::FftwPlan<Real>>(
      [&] { return Fftw<Real>::r2c(static_cast<int>(n), in_.get(), out_.get()); }, "real forward FFT", n);
}

template <class Real>
void ForwardFft<Real>::execute() {
  Fftw<Real>::execute(plan_.get());
}

template <class Real>
InverseFft<Real>::InverseFft(std::size_t n) : n_(n) {
  check_size(n, "inverse FFT");
  in_ = make_fftw_array<std::complex<Real>>(bins());
  out_ = make_fftw_array<Real>(n);
  plan_ = make_plan<detail::FftwPlan<Real>>(
      [&] { return Fftw<Real>::c2r(static_cast<int>(n), in_.get(), out_.get()); }, "real inverse FFT", n);
}

template <class Real>
void InverseFft<Real>::execute() {
  Fftw<Real>::execute(plan_.get());
}

template class ForwardFft<float>;
template class ForwardFft<double>;
template class InverseFft<float>;
template class InverseFft<double>;

}  // namespace genre::dsp
