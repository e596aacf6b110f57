using FabstirHost.Core;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Node
{
    public sealed class StartLockTests : IDisposable
    {
        private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        private readonly TempHome _home = new();

        public void Dispose() => _home.Dispose();

        [Fact]
        public void TheLockFileIsCreatedOwnerOnly()
        {
            _home.Paths.EnsureCreated();

            using (StartLock.Acquire(_home.Paths))
            {
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(OwnerOnly, File.GetUnixFileMode(_home.Paths.LockFile));
                }
            }
        }

        [Fact]
        public void ALockFileReadableByOthersIsNarrowedToTheOwner()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            _home.Paths.EnsureCreated();
            File.WriteAllText(_home.Paths.LockFile, string.Empty);
            File.SetUnixFileMode(_home.Paths.LockFile, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            using (StartLock.Acquire(_home.Paths))
            {
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(_home.Paths.LockFile));
            }
        }

        [Fact]
        public void ASecondStartIsStillRefusedWhileTheLockIsHeld()
        {
            _home.Paths.EnsureCreated();

            using (StartLock.Acquire(_home.Paths))
            {
                var ex = Assert.Throws<FabstirException>(() => StartLock.Acquire(_home.Paths));

                Assert.Equal("NodeAlreadyRunning", ex.ErrorId);
            }
        }
    }
}
