using System;
using System.IO;
using FabstirHost.Core.Node;

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

        /// <summary>
        /// The setting the path came from: the configuration or a parameter, FABSTIR_NODE_PATH or PATH.
        /// </summary>
        public string Source { get; }
    }

    /// <summary>
    /// Finds <c>fabstir-llm-node</c> the way Start-FabstirNode does (the configured path, then
    /// FABSTIR_NODE_PATH, then PATH), and says which of them named it.
    /// </summary>
    public static class NodeBinaryLocator
    {
        public const string EnvironmentVariable = NodeEnvironment.NodePathVariable;

        public const string BinaryName = "fabstir-llm-node";

        public const string ConfigurationSource = "the configuration (NodePath)";

        /// <summary>
        /// Finds the binary; <paramref name="givenSource"/> names where <paramref name="givenPath"/>
        /// came from, when it was given.
        /// </summary>
        public static NodeBinaryLocation Locate(string? givenPath, string givenSource = ConfigurationSource)
        {
            string source = !string.IsNullOrWhiteSpace(givenPath)
                ? givenSource
                : string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable))
                    ? "PATH"
                    : EnvironmentVariable;
            return new NodeBinaryLocation(NodeEnvironment.ResolveNodePath(givenPath), source);
        }

        /// <summary>True when the file may be executed by this user (on Windows: it exists).</summary>
        public static bool IsExecutable(string path)
        {
            return UnixNative.IsWindows
                ? File.Exists(path)
                : UnixNative.access(path, UnixNative.X_OK) == 0;
        }
    }
}
