// SPDX-License-Identifier: Apache-2.0
#include "spool/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace alveo::spool {
namespace {
int Check(int rc) { return rc < 0 ? -errno : rc; }
}  // namespace

PosixFileSystem& PosixFileSystem::Default() {
  static PosixFileSystem instance;
  return instance;
}

int PosixFileSystem::Open(const std::string& path, int flags, int mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return Check(fd);
}

ssize_t PosixFileSystem::Write(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, bytes + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

int PosixFileSystem::Close(int fd) { return Check(::close(fd)); }
int PosixFileSystem::Fsync(int fd) { return Check(::fsync(fd)); }
int PosixFileSystem::Fdatasync(int fd) { return Check(::fdatasync(fd)); }
int PosixFileSystem::Syncfs(int fd) { return Check(::syncfs(fd)); }

int PosixFileSystem::StartWriteback(int fd, off_t offset, off_t size) {
  return Check(::sync_file_range(fd, offset, size, SYNC_FILE_RANGE_WRITE));
}

int PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  return Check(::rename(from.c_str(), to.c_str()));
}

int PosixFileSystem::Unlink(const std::string& path) { return Check(::unlink(path.c_str())); }

int PosixFileSystem::MakeDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0750) == 0 || errno == EEXIST) return 0;
  return -errno;
}

bool PosixFileSystem::Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

std::optional<std::uint64_t> PosixFileSystem::FileSize(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(info.st_size);
}

std::optional<std::uint64_t> PosixFileSystem::FreeBytes(const std::string& path) {
  struct statvfs info;
  if (::statvfs(path.c_str(), &info) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

std::vector<std::string> PosixFileSystem::ListDirectory(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

int PosixFileSystem::RemoveTree(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  return error ? -error.value() : 0;
}

std::string ErrnoText(int negative_errno) { return std::strerror(-negative_errno); }

namespace {

Status StepFailed(const std::string& what, long negative_errno) {
  return Status::Error(ErrorCode::kIoError, what + ": " + ErrnoText(static_cast<int>(negative_errno)));
}

}  // namespace

Status WriteFileDurably(FileSystem& fs, const std::string& path, std::string_view bytes) {
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string temp = folder + "/." + name + ".tmp";
  const int fd = fs.Open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return StepFailed("cannot create " + temp, fd);
  Status status;
  if (const ssize_t written = fs.Write(fd, bytes.data(), bytes.size()); written < 0) {
    status = StepFailed("cannot write " + temp, written);
  } else if (const int synced = fs.Fdatasync(fd); synced < 0) {
    status = StepFailed("cannot sync " + temp, synced);
  }
  (void)fs.Close(fd);
  if (status.ok()) {
    if (const int renamed = fs.Rename(temp, path); renamed < 0) status = StepFailed("cannot rename to " + path, renamed);
  }
  if (!status.ok()) {
    (void)fs.Unlink(temp);
    return status;
  }
  const int dir_fd = fs.Open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0) return StepFailed("cannot open " + folder, dir_fd);
  const int synced = fs.Fsync(dir_fd);
  (void)fs.Close(dir_fd);
  if (synced < 0) return StepFailed("cannot sync folder " + folder, synced);
  return Status::Ok();
}

}  // namespace alveo::spool
