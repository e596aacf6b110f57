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
            try
            {
                return new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
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
        }
    }
}
