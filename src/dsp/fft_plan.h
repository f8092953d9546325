#pragma once
// RAII owners of FFTW real transforms (r2c forward, c2r inverse) and of the
// SIMD-aligned buffers they run on, in single (fftwf) or double (fftw)
// precision: ForwardFft<float> / ForwardFft<double>, same for InverseFft.
//
// Which precision: librosa's FFT is numpy's, always float64, so its
// float32 spectrograms are float64 FFTs rounded once. A float32 FFT errs by
// about 1e-7 of the frame's energy in every bin, which the 80 dB range of
// power_to_db exposes (up to ~1.5e-3 dB off librosa in the quiet bands of a
// pure tone); the double transform costs ~10-15% more here and matches librosa
// to float32 rounding. The STFT therefore runs in double; float plans remain
// for callers that do not need that (and for the benchmark's floor).
//
// Threads: FFTW's planner (plan creation and destruction) is not thread-safe.
// Make plans on one thread, at set-up; fft_plan.cpp also serialises its own
// planner calls with a mutex, so two extractors built on two threads do not
// corrupt FFTW, but any other fftw planner call in the process must not run
// concurrently. Executing a plan is thread-safe only on distinct buffers; each
// plan object here owns its buffers, so use one object per thread.
//
// Plans are made with FFTW_ESTIMATE: for the 2048-point double transforms we
// use it ran as fast as FFTW_MEASURE here, plans in ~3 ms instead of
// 100-300 ms, and, unlike MEASURE (which times candidates and may pick another
// algorithm in each process), gives bit-identical features on every rank.
#include <complex>
#include <cstddef>
#include <memory>

// FFTW's opaque plans; fftw3.h stays out of our headers.
struct fftw_plan_s;
struct fftwf_plan_s;

namespace genre::dsp {

namespace detail {
template <class Real>
struct FftwPlanOf;
template <>
struct FftwPlanOf<float> {
  using type = fftwf_plan_s;
};
template <>
struct FftwPlanOf<double> {
  using type = fftw_plan_s;
};
struct FftwFree {
  void operator()(void* p) const;
};
struct FftwPlanDestroy {
  void operator()(fftwf_plan_s* p) const;
  void operator()(fftw_plan_s* p) const;
};
template <class Real>
using FftwPlan = std::unique_ptr<typename FftwPlanOf<Real>::type, FftwPlanDestroy>;
}  // namespace detail

// n zeroed values of T in memory from fftw_malloc (aligned for FFTW's SIMD
// code). T: float, double, std::complex<float> or std::complex<double>.
template <class T>
using FftwArray = std::unique_ptr<T[], detail::FftwFree>;
template <class T>
FftwArray<T> make_fftw_array(std::size_t n);

// Real-to-complex forward DFT of even size n (unnormalised, like
// numpy.fft.rfft): n real samples in, n/2 + 1 complex bins out.
template <class Real>
class ForwardFft {
 public:
  // Throws genre::Error for odd n or n < 2.
  explicit ForwardFft(std::size_t n);
  std::size_t size() const { return n_; }
  std::size_t bins() const { return n_ / 2 + 1; }

  // The buffers the plan was made on: fill input(), call execute(), read output().
  Real* input() { return in_.get(); }
  const std::complex<Real>* output() const { return out_.get(); }
  void execute();

 private:
  std::size_t n_;
  FftwArray<Real> in_;
  FftwArray<std::complex<Real>> out_;
  detail::FftwPlan<Real> plan_;
};

// Complex-to-real inverse DFT of even size n (unnormalised: numpy.fft.irfft
// times n): n/2 + 1 complex bins in, n real samples out. FFTW's c2r transform
// overwrites its input, so input() is scratch after execute().
template <class Real>
class InverseFft {
 public:
  // Throws genre::Error for odd n or n < 2.
  explicit InverseFft(std::size_t n);
  std::size_t size() const { return n_; }
  std::size_t bins() const { return n_ / 2 + 1; }

  std::complex<Real>* input() { return in_.get(); }
  const Real* output() const { return out_.get(); }
  void execute();

 private:
  std::size_t n_;
  FftwArray<std::complex<Real>> in_;
  FftwArray<Real> out_;
  detail::FftwPlan<Real> plan_;
};

extern template class ForwardFft<float>;
extern template class ForwardFft<double>;
extern template class InverseFft<float>;
extern template class InverseFft<double>;

}  // namespace genre::dsp
