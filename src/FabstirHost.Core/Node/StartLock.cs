using System;
using System.IO;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// An exclusive lock on <c>node/start.lock</c> for the length of one start, so that two starts
    /// of the same instance cannot both pass the checks. The operating system drops the lock when
    /// its holder exits, so a crashed start never blocks the next one.
    /// </summary>
    internal static class StartLock
    {
        public static IDisposable Acquire(FabstirPaths paths)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw new FabstirException(
                    "NodeAlreadyRunning",
                    FabstirErrorCategory.ResourceExists,
                    $"Another Start-FabstirNode for this instance ('{paths.Home}') is under way (it holds " +
                    $"'{paths.LockFile}'). Wait for it, then use Get-FabstirNode.",
                    paths.LockFile,
                    ex);
            }

            // Owner-only like every other file of the home; also narrows a lock an older version
            // left readable by everyone.
            try
            {
                SecureFile.SetUnixMode(paths.LockFile, SecureFile.OwnerReadWrite);
            }
            catch
            {
                stream.Dispose();
                throw;
            }

            return stream;
        }
    }
}
