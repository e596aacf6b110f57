using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Finds the PowerShell that runs the supervisor, so that users need nothing beyond the module:
    /// the current pwsh (its apphost, or <c>dotnet pwsh.dll</c> when it runs as a .NET tool), else
    /// <c>FABSTIR_PWSH</c>, else pwsh on the PATH.
    /// </summary>
    internal static class SupervisorHost
    {
        public const string HostVariable = "FABSTIR_PWSH";

        /// <summary>
        /// The supervisor's command line names its home, so that 'ps' tells the supervisors of
        /// several instances apart; the key is never on it.
        /// </summary>
        public static ProcessStartInfo CreateStartInfo(string? explicitHost, string home)
        {
            (string fileName, string prefix) = Resolve(explicitHost);
            string coreAssembly = typeof(SupervisorProgram).Assembly.Location;
            string script =
                "$ErrorActionPreference = 'Stop'; " +
                $"Add-Type -Path '{coreAssembly.Replace("'", "''")}'; " +
                $"exit [{typeof(SupervisorProgram).FullName}]::Run('{home.Replace("'", "''")}')";
            var arguments = new StringBuilder(prefix);
            arguments.Append("-NoProfile -NonInteractive -NoLogo -Command ").Append(Quote(script));
            return new ProcessStartInfo(fileName, arguments.ToString());
        }

        private static (string FileName, string Prefix) Resolve(string? explicitHost)
        {
            if (!string.IsNullOrWhiteSpace(explicitHost))
            {
                return ForPath(explicitHost!);
            }

            string current = Process.GetCurrentProcess().MainModule?.FileName ?? string.Empty;
            string name = Path.GetFileNameWithoutExtension(current).ToLowerInvariant();
            if (name == "pwsh" || name == "powershell")
            {
                return (current, string.Empty);
            }

            string toolDll = Path.Combine(AppContext.BaseDirectory, "pwsh.dll");
            if (name == "dotnet" && File.Exists(toolDll))
            {
                return (current, Quote(toolDll) + " ");
            }

            string? fromEnvironment = Environment.GetEnvironmentVariable(HostVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return ForPath(fromEnvironment!);
            }

            string? onPath = NodeEnvironment.FindOnPath(UnixNative.IsWindows ? "pwsh.exe" : "pwsh");
            if (onPath != null)
            {
                return (onPath, string.Empty);
            }

            throw new FabstirException(
                "SupervisorHostNotFound",
                FabstirErrorCategory.NotInstalled,
                "No PowerShell executable was found to run the node's supervisor: this process is not pwsh, " +
                $"{HostVariable} is not set and pwsh is not on the PATH. Set {HostVariable} to the pwsh path.",
                current);
        }

        private static (string, string) ForPath(string path)
        {
            return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? ("dotnet", Quote(path) + " ")
                : (path, string.Empty);
        }

        /// <summary>Quotes one argument the way the runtime splits a command line.</summary>
        internal static string Quote(string argument)
        {
            var quoted = new StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                if (c == '"')
                {
                    quoted.Append('\\', backslashes * 2 + 1);
                }
                else
                {
                    quoted.Append('\\', backslashes);
                }

                backslashes = 0;
                quoted.Append(c);
            }

            quoted.Append('\\', backslashes * 2);
            return quoted.Append('"').ToString();
        }
    }
}
