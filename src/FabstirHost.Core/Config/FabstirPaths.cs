using System;
using System.IO;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// The files of one FabstirHost instance. Everything lives below a home folder, <c>~/.fabstir</c>
    /// unless <c>FABSTIR_HOME</c> names another, so several nodes on one machine are several homes.
    /// </summary>
    public sealed class FabstirPaths
    {
        public const string HomeVariable = "FABSTIR_HOME";

        public FabstirPaths(string home)
        {
            if (string.IsNullOrWhiteSpace(home))
            {
                throw new ArgumentException("The home folder must not be empty.", nameof(home));
            }

            Home = Path.GetFullPath(home);
        }

        public string Home { get; }

        public string ConfigFile => Path.Combine(Home, "config.json");

        public string KeystoreFile => Path.Combine(Home, "keystore.json");

        public string NodeDirectory => Path.Combine(Home, "node");

        public string StateFile => Path.Combine(NodeDirectory, "state.json");

        public string LockFile => Path.Combine(NodeDirectory, "start.lock");

        public string StopRequestFile => Path.Combine(NodeDirectory, "stop.request");

        public string LogDirectory => Path.Combine(NodeDirectory, "logs");

        /// <summary>
        /// The home named by <c>FABSTIR_HOME</c>, else <c>~/.fabstir</c>. A relative
        /// <c>FABSTIR_HOME</c> is read against <paramref name="currentDirectory"/> (PowerShell's
        /// location, which is not the process's working folder) and a leading <c>~</c> means the
        /// user's profile folder, since PowerShell leaves it unexpanded in a string.
        /// </summary>
        public static FabstirPaths Default(string? currentDirectory = null)
        {
            string profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string? fromEnvironment = Environment.GetEnvironmentVariable(HomeVariable);
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return new FabstirPaths(Path.Combine(profile, ".fabstir"));
            }

            string home = fromEnvironment!.Trim();
            if (home == "~" || home.StartsWith("~/", StringComparison.Ordinal) ||
                home.StartsWith("~" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                home = Path.Combine(profile, home.Substring(1).TrimStart('/', Path.DirectorySeparatorChar));
            }
            else if (!Path.IsPathRooted(home) && !string.IsNullOrEmpty(currentDirectory))
            {
                home = Path.Combine(currentDirectory, home);
            }

            return new FabstirPaths(home);
        }

        /// <summary>Creates the home and node folders, readable by the owner only.</summary>
        public void EnsureCreated()
        {
            try
            {
                SecureFile.CreatePrivateDirectory(Home);
                SecureFile.CreatePrivateDirectory(NodeDirectory);
                SecureFile.CreatePrivateDirectory(LogDirectory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FabstirException(
                    "HomeNotUsable",
                    FabstirErrorCategory.ResourceUnavailable,
                    $"The FabstirHost home '{Home}' cannot be used: {ex.Message} Point {HomeVariable} at a " +
                    "folder this user can write, or remove what is in the way.",
                    Home,
                    ex);
            }
        }
    }
}
