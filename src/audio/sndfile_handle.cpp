#include "audio/sndfile_handle.h"

namespace genre::audio::detail {

namespace {

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string format_info_name(int command, int format) {
  SF_FORMAT_INFO info{};
  info.format = format;
  if (sf_command(nullptr, command, &info, sizeof info) != 0 || info.name == nullptr) return "unknown";
  return info.name;
}

}  // namespace

std::string sndfile_message(SNDFILE* file) {
  std::string message = one_line(sf_strerror(file));
  // Some of libsndfile's messages start with "Error : "; we say that already.
  const std::string prefix = "Error : ";
  if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  return message;
}

std::string format_name(int format) {
  return format_info_name(SFC_GET_FORMAT_INFO, format & SF_FORMAT_TYPEMASK) + " / " +
         format_info_name(SFC_GET_FORMAT_INFO, format & SF_FORMAT_SUBMASK);
}

}  // namespace genre::audio::detail
