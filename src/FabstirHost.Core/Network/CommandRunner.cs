using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace FabstirHost.Core.Network
{
    /// <summary>What a finished command printed.</summary>
    public sealed class CommandOutput
    {
        public CommandOutput(int exitCode, string standardOutput, string standardError)
        {
            ExitCode = exitCode;
            StandardOutput = standardOutput;
            StandardError = standardError;
        }

        public int ExitCode { get; }

        public string StandardOutput { get; }

        public string StandardError { get; }
    }

    /// <summary>
    /// Runs read-only system tools (firewall status listings). An interface so the parsing of each
    /// tool's output can be exercised with the output of a tool this machine does not have.
    /// </summary>
    public interface ICommandRunner
    {
        /// <summary>Runs the tool and returns its output, or null when the tool is not installed.</summary>
        CommandOutput? Run(string tool, params string[] arguments);
    }

    /// <summary>Runs tools found on PATH (and the sbin folders, where firewall tools live).</summary>
    public sealed class ProcessCommandRunner : ICommandRunner
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

        public static readonly ProcessCommandRunner Instance = new ProcessCommandRunner();

        public CommandOutput? Run(string tool, params string[] arguments)
        {
            string? path = Find(tool);
            if (path == null)
            {
                return null;
            }

            var start = new ProcessStartInfo(path, string.Join(" ", arguments.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };

            start.Environment["LC_ALL"] = "C";
            using (Process process = Process.Start(start)!)
            {
                Task<string> output = process.StandardOutput.ReadToEndAsync();
                Task<string> error = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)Limit.TotalMilliseconds))
                {
                    process.Kill();
                    string late = $"'{tool}' did not finish within {Limit.TotalSeconds} s";
                    return new CommandOutput(-1, string.Empty, late);
                }

                return new CommandOutput(process.ExitCode, output.Result, error.Result);
            }
        }

        internal static string? Find(string tool)
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string[] names = windows ? new[] { tool + ".exe", tool } : new[] { tool };
            var folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator)
                .Concat(windows ? Array.Empty<string>() : new[] { "/usr/sbin", "/sbin", "/usr/local/sbin" })
                .Where(folder => folder.Length > 0);
            return folders
                .SelectMany(folder => names.Select(name => Path.Combine(folder, name)))
                .FirstOrDefault(File.Exists);
        }

        private static string Quote(string argument)
        {
            return argument.IndexOf(' ') >= 0 ? "\"" + argument + "\"" : argument;
        }
    }
}
