#include "common/time/clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/log/log.h"

namespace tousu::time {
namespace {

using ::testing::HasSubstr;

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

// --- FakeClock ---

TEST(FakeClockTest, StartsAtTheGivenInstant) {
  FakeClock clock(Utc(2026, 11, 26, 3));
  EXPECT_EQ(clock.Now(), Utc(2026, 11, 26, 3));
}

TEST(FakeClockTest, StandsStillUntilTold) {
  FakeClock clock(Utc(2026, 11, 26, 3));
  absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(clock.Now(), Utc(2026, 11, 26, 3));
}

TEST(FakeClockTest, AdvanceMovesForwardByExactlyTheDuration) {
  FakeClock clock(Utc(2026, 11, 26, 3));
  clock.Advance(absl::Hours(1) + absl::Milliseconds(1));
  EXPECT_EQ(clock.Now(), Utc(2026, 11, 26, 4) + absl::Milliseconds(1));
  clock.Advance(absl::Hours(24 * 3));
  EXPECT_EQ(clock.Now(), Utc(2026, 11, 29, 4) + absl::Milliseconds(1));
}

TEST(FakeClockTest, SetMovesToAnyInstantEvenBackwards) {
  FakeClock clock(Utc(2026, 11, 26, 3));
  clock.Set(Utc(2025, 1, 1));
  EXPECT_EQ(clock.Now(), Utc(2025, 1, 1));
}

TEST(FakeClockTest, IsSafeToAdvanceFromManyThreads) {
  FakeClock clock(Utc(2026, 1, 1));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) {
        clock.Advance(absl::Seconds(1));
        (void)clock.Now();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Now(), Utc(2026, 1, 1) + absl::Seconds(4000));
}

TEST(FakeClockTest, IsUsableThroughTheClockInterface) {
  FakeClock fake(Utc(2026, 11, 26));
  const Clock& clock = fake;
  fake.Advance(absl::Minutes(5));
  EXPECT_EQ(clock.Now(), Utc(2026, 11, 26, 0, 5));
}

TEST(SystemClockTest, FollowsTheWallClock) {
  SystemClock clock;
  const absl::Time before = absl::Now();
  const absl::Time now = clock.Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
}

// --- OffsetFileClock ---

class OffsetFileClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/clock_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/offset";
    log::SetSinkForTesting(&log_);
  }
  void TearDown() override {
    log::SetSinkForTesting(nullptr);
    std::filesystem::remove_all(dir_);
  }

  void WriteRaw(const std::string& content) {
    std::ofstream out(path_, std::ios::trunc);
    out << content;
  }

  static int Count(const std::string& haystack, const std::string& needle) {
    int n = 0;
    for (size_t pos = haystack.find(needle); pos != std::string::npos;
         pos = haystack.find(needle, pos + 1)) {
      ++n;
    }
    return n;
  }

  std::string dir_;
  std::string path_;
  std::string log_;
};

TEST_F(OffsetFileClockTest, AMissingFileMeansNoOffset) {
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::ZeroDuration());
}

TEST_F(OffsetFileClockTest, ReadsTheOffsetInSecondsFromTheFile) {
  WriteRaw("86400\n");
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::Hours(24));
}

TEST_F(OffsetFileClockTest, NowIsTheWallClockPlusTheOffset) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Hours(72)));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  const absl::Time before = absl::Now();
  const absl::Time now = clock.Now();
  const absl::Time after = absl::Now();
  EXPECT_GE(now, before + absl::Hours(72));
  EXPECT_LE(now, after + absl::Hours(72));
}

TEST_F(OffsetFileClockTest, ANegativeOffsetMovesTimeBack) {
  WriteRaw("-3600");
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::Hours(-1));
}

TEST_F(OffsetFileClockTest, SurroundingWhitespaceIsAccepted) {
  WriteRaw("  120 \r\n\n");
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::Minutes(2));
}

TEST_F(OffsetFileClockTest, AFileThatIsNotOneIntegerMeansNoOffset) {
  // 4000000000 s is more than 100 years; 99999999999999999999 overflows int64.
  for (const char* bad : {"", "abc", "1.5", "60s", "1 2", "99999999999999999999", "4000000000"}) {
    WriteRaw(bad);
    OffsetFileClock clock(path_, absl::ZeroDuration());
    EXPECT_EQ(clock.Offset(), absl::ZeroDuration()) << '"' << bad << '"';
  }
}

TEST_F(OffsetFileClockTest, AnUnreadableFileMeansNoOffset) {
  // A directory in place of the file cannot be read as one.
  ASSERT_TRUE(std::filesystem::create_directory(path_));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::ZeroDuration());
}

TEST_F(OffsetFileClockTest, TheFileIsReReadNoMoreOftenThanTheRefreshInterval) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(10)));
  OffsetFileClock clock(path_, absl::Hours(1));
  EXPECT_EQ(clock.Offset(), absl::Seconds(10));
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(20)));
  EXPECT_EQ(clock.Offset(), absl::Seconds(10));  // cached for an hour
}

TEST_F(OffsetFileClockTest, ANewOffsetIsPickedUpOnceTheRefreshIntervalHasPassed) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(10)));
  OffsetFileClock clock(path_, absl::Milliseconds(20));
  EXPECT_EQ(clock.Offset(), absl::Seconds(10));
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Hours(48)));
  absl::SleepFor(absl::Milliseconds(40));
  EXPECT_EQ(clock.Offset(), absl::Hours(48));
}

TEST_F(OffsetFileClockTest, RemovingTheFileReturnsToTheWallClock) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(10)));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::Seconds(10));
  std::filesystem::remove(path_);
  EXPECT_EQ(clock.Offset(), absl::ZeroDuration());
}

TEST_F(OffsetFileClockTest, SaysInTheLogThatItIsOn) {
  OffsetFileClock clock(path_);
  EXPECT_THAT(log_, HasSubstr("clock offset file enabled"));
  EXPECT_THAT(log_, HasSubstr(path_));
}

TEST_F(OffsetFileClockTest, AnUnusableFileIsLoggedOnceNotOnEveryRead) {
  OffsetFileClock clock(path_, absl::ZeroDuration());
  for (int i = 0; i < 5; ++i) clock.Offset();
  EXPECT_EQ(Count(log_, "clock offset file unusable"), 1) << log_;
  // After a good read, a new failure is news again.
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(5)));
  clock.Offset();
  std::filesystem::remove(path_);
  clock.Offset();
  clock.Offset();
  EXPECT_EQ(Count(log_, "clock offset file unusable"), 2) << log_;
}

TEST_F(OffsetFileClockTest, ANewOffsetIsLoggedOnceWhenItChanges) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(5)));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  for (int i = 0; i < 3; ++i) clock.Offset();
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(7)));
  for (int i = 0; i < 3; ++i) clock.Offset();
  EXPECT_EQ(Count(log_, "clock offset in force"), 2) << log_;
  EXPECT_THAT(log_, HasSubstr("\"offset_s\":7"));
}

TEST_F(OffsetFileClockTest, WriteOffsetWritesWholeSecondsAndLeavesNoTempFile) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(90) + absl::Milliseconds(900)));
  std::ifstream in(path_);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "90\n");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(OffsetFileClockTest, WriteOffsetReplacesAnExistingFile) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(1)));
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(-2)));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  EXPECT_EQ(clock.Offset(), absl::Seconds(-2));
}

TEST_F(OffsetFileClockTest, WriteOffsetMakesTheFileReadableByOtherServices) {
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(1)));
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(OffsetFileClockTest, WriteOffsetIntoAMissingDirectoryFails) {
  EXPECT_FALSE(OffsetFileClock::WriteOffset(dir_ + "/no/such/dir/offset", absl::Seconds(1)));
}

TEST_F(OffsetFileClockTest, ReadersNeverSeeAHalfWrittenFile) {
  // A writer replaces the file while the reader re-reads on every call. The file always exists,
  // so a torn or empty read would show up as offset 0.
  ASSERT_TRUE(OffsetFileClock::WriteOffset(path_, absl::Seconds(1000)));
  OffsetFileClock clock(path_, absl::ZeroDuration());
  std::thread writer([this] {
    for (int i = 0; i < 300; ++i) {
      OffsetFileClock::WriteOffset(path_, absl::Seconds(i % 2 == 0 ? 123456789 : 1000));
    }
  });
  for (int i = 0; i < 300; ++i) {
    const absl::Duration d = clock.Offset();
    ASSERT_TRUE(d == absl::Seconds(1000) || d == absl::Seconds(123456789)) << d;
  }
  writer.join();
}

}  // namespace
}  // namespace tousu::time
