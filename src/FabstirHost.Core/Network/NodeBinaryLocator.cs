using System;
using System.IO;
using System.Runtime.InteropServices;

namespace FabstirHost.Core.Network
{
    /// <summary>Where the node binary is, and which setting named it.</summary>
    public sealed class NodeBinaryLocation
    {
        public NodeBinaryLocation(string? path, string source)
        {
            Path = path;
            Source = source;
        }

        /// <summary>The full path, or null when no setting names one and PATH has none.</summary>
        public string? Path { get; }

        /// <summary>The setting the path came from: configuration, FABSTIR_NODE_PATH or PATH.</summary>
        public string Source { get; }
    }

    /// <summary>
    /// Finds <c>fabstir-llm-node</c>: the configured path, then FABSTIR_NODE_PATH, then PATH.
    /// </summary>
    public static class NodeBinaryLocator
    {
        public const string EnvironmentVariable = "FABSTIR_NODE_PATH";
        public const string BinaryName = "fabstir-llm-node";

        public static NodeBinaryLocation Locate(string? configuredPath)
        {
            if (!string.IsNullOrWhiteSpace(configuredPath))
            {
                string path = Path.GetFullPath(configuredPath);
                return new NodeBinaryLocation(path, "the configuration (NodePath)");
            }

            string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return new NodeBinaryLocation(Path.GetFullPath(fromEnvironment), EnvironmentVariable);
            }

            return new NodeBinaryLocation(ProcessCommandRunner.Find(BinaryName), "PATH");
        }

        /// <summary>True when the file may be executed by this user (on Windows: it exists).</summary>
        public static bool IsExecutable(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return File.Exists(path);
            }

            const int ExecuteOk = 1;
            return NativeMethods.access(path, ExecuteOk) == 0;
        }

        private static class NativeMethods
        {
            [DllImport("libc", SetLastError = true)]
            internal static extern int access(string path, int mode);
        }
    }
}
