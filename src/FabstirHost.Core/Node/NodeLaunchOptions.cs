using System;
using System.Collections.Generic;
using System.Security;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>Everything a node launch needs. Paths may be relative; they are made absolute.</summary>
    public sealed class NodeLaunchOptions
    {
        public NodeLaunchOptions(FabstirPaths paths)
        {
            Paths = paths;
        }

        public FabstirPaths Paths { get; }

        /// <summary>The node binary; when null, <c>FABSTIR_NODE_PATH</c>, then the PATH.</summary>
        public string? NodePath { get; set; }

        public string ModelPath { get; set; } = string.Empty;

        public int ApiPort { get; set; } = 8080;

        /// <summary>The first P2P port; null means the API port + 1. The node also uses P+1 and P+2.</summary>
        public int? P2PPort { get; set; }

        /// <summary>The node's <c>RUST_LOG</c> filter, e.g. <c>info</c> or <c>debug</c>.</summary>
        public string? LogLevel { get; set; }

        /// <summary>User overrides of the node's environment; they win over everything else.</summary>
        public IDictionary<string, string> Environment { get; } =
            new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Chain variables (<c>RPC_URL</c>, <c>CONTRACT_*</c>) passed with a private key.</summary>
        public IDictionary<string, string> ChainEnvironment { get; } =
            new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The host's key for <c>HOST_PRIVATE_KEY</c>; it travels to the supervisor over a pipe.</summary>
        public SecureString? PrivateKey { get; set; }

        public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(600);

        /// <summary>Crashes in a row after which the supervisor gives up (CrashLoop).</summary>
        public int MaxRestarts { get; set; } = 5;

        /// <summary>The first restart delay; it doubles with each crash in a row, up to a minute.</summary>
        public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>A run this long counts as stable and resets the crash count and the delay.</summary>
        public TimeSpan StableAfter { get; set; } = TimeSpan.FromMinutes(5);

        public long LogMaxBytes { get; set; } = 10 * 1024 * 1024;

        public int LogFiles { get; set; } = 5;

        /// <summary>
        /// The PowerShell executable that runs the supervisor; null finds it from the current process
        /// (needed only by hosts that are not pwsh themselves, such as tests).
        /// </summary>
        public string? SupervisorHost { get; set; }

        public int EffectiveP2PPort => P2PPort ?? ApiPort + 1;
    }
}
