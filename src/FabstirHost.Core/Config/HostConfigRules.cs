using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Network;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// What a value must be to go into <c>config.json</c>. Each rule throws a FabstirException with
    /// a stable ErrorId that names the value and what would be accepted.
    /// </summary>
    public static class HostConfigRules
    {
        public const string SecretInEnvironmentErrorId = "SecretInEnvironment";
        public const string InvalidEnvironmentNameErrorId = "InvalidEnvironmentName";
        public const string InvalidEnvironmentValueErrorId = "InvalidEnvironmentValue";
        public const string ReservedEnvironmentVariableErrorId = "ReservedEnvironmentVariable";
        public const string InvalidLogLevelErrorId = "InvalidLogLevel";
        public const string InvalidPortErrorId = "InvalidPort";
        public const string PortConflictErrorId = "PortConflict";
        public const string InvalidPathErrorId = "InvalidPath";

        private const string NodeKeyVariable = "HOST_PRIVATE_KEY";

        /// <summary>The highest first P2P port: the node also uses the two ports after it.</summary>
        public const int MaxP2PPort = 65533;

        /// <summary>Parts of a variable name that mark it as a secret, which config.json never holds.</summary>
        private static readonly string[] SecretWords =
        {
            "KEY", "SECRET", "PASSWORD", "PASSWD", "MNEMONIC", "CREDENTIAL", "PRIVATE", "TOKEN",
        };

        /// <summary>
        /// Variables the module sets itself from its own parameters: an override would make the node
        /// load, listen or sign other than the module checks and watches.
        /// </summary>
        private static readonly (string Name, string Instead)[] ModuleOwned =
        {
            ("MODEL_PATH", "-ModelPath"),
            ("API_PORT", "-Port (Start-FabstirNode) or -ApiPort (Set-FabstirHostConfig)"),
            ("P2P_PORT", "-P2PPort"),
        };

        private static readonly Regex EnvironmentName =
            new Regex("^[A-Za-z_][A-Za-z0-9_]*\\z", RegexOptions.CultureInvariant);

        private const string Level = "(?:error|warn|info|debug|trace|off)";

        // RUST_LOG directives, separated by commas: a level, or target=level. A bare target is valid
        // RUST_LOG too, but as a -LogLevel it is far more often a misspelt level ("verbose").
        private static readonly Regex LogDirective = new Regex(
            $"^(?:{Level}|[A-Za-z0-9_:.-]+={Level})\\z",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public static string AbsolutePath(string path, string what)
        {
            if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                throw new FabstirException(
                    InvalidPathErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{path}' is not a usable path for the {what}.",
                    path);
            }

            return Path.GetFullPath(path.Trim());
        }

        public static int ApiPort(int port) => Port(port, 65535, "API port");

        public static int P2PPort(int port) => Port(port, MaxP2PPort, "first P2P port");

        // One model of the node's ports for every command (Start-FabstirNode, Register-FabstirHost,
        // Set-FabstirHost, Set-FabstirHostConfig): it listens on TCP P and P+1 and on UDP P+2 (QUIC).
        // The API and a public URL are HTTP, so TCP: they clash with P and P+1 only. A TCP and a UDP
        // socket on the same number do not collide, so P+2 on the API port is allowed.

        /// <summary>
        /// The API port must be neither of the node's TCP P2P ports P and P+1; UDP P+2 may equal it.
        /// </summary>
        public static void CheckPortsApart(int apiPort, int p2pPort)
        {
            if (!IsTcpP2PPort(apiPort, p2pPort))
            {
                return;
            }

            throw new FabstirException(
                PortConflictErrorId,
                FabstirErrorCategory.InvalidArgument,
                $"The API port {apiPort} is {TcpP2PPorts(p2pPort)}, so the node could not listen on both. " +
                $"Choose an API port outside them, or a first P2P port such as {apiPort + 1} (-P2PPort).",
                apiPort);
        }

        /// <summary>
        /// A public URL on the node's port must name its API port: on a TCP P2P port (P or P+1) it
        /// would reach the P2P listener, which never answers HTTP. A front on another machine could
        /// use that port, but it cannot be told from one here, where it could not bind it.
        /// </summary>
        public static void CheckPublicPortApart(int urlPort, int apiPort, int p2pPort)
        {
            if (urlPort == apiPort || !IsTcpP2PPort(urlPort, p2pPort))
            {
                return;
            }

            int suggested = Math.Max(apiPort, urlPort) + 1;
            throw new FabstirException(
                PortConflictErrorId,
                FabstirErrorCategory.InvalidArgument,
                $"The public URL's port {urlPort} is {TcpP2PPorts(p2pPort)}, so it would reach the P2P " +
                $"listener, not the API on port {apiPort}. Give a public URL on another port, or a " +
                $"first P2P port such as {suggested} (-P2PPort).",
                urlPort);
        }

        private static bool IsTcpP2PPort(int port, int p2pPort) => port == p2pPort || port == p2pPort + 1;

        private static string TcpP2PPorts(int p2pPort) =>
            $"one of the node's TCP P2P ports {p2pPort} and {p2pPort + 1} (its QUIC port {p2pPort + 2} is " +
            "UDP and clashes with no TCP port)";

        /// <summary>The public URL as given, trimmed, once it parses as a node URL.</summary>
        public static string PublicUrl(string url)
        {
            UrlRules.Parse(url);
            return url.Trim();
        }

        public static string LogLevel(string filter)
        {
            string text = (filter ?? string.Empty).Trim();
            string[] directives = text.Split(',');
            if (text.Length == 0 || directives.Any(d => !LogDirective.IsMatch(d.Trim())))
            {
                throw new FabstirException(
                    InvalidLogLevelErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{filter}' is not a RUST_LOG filter: give a level (error, warn, info, debug, trace, " +
                    "off) or comma-separated target=level directives, for example " +
                    "'info,fabstir_llm_node=debug'.",
                    filter);
            }

            return text;
        }

        /// <summary>
        /// Refuses names that are not variable names, the variables the module sets from its own
        /// parameters (MODEL_PATH, API_PORT, P2P_PORT, HOST_PRIVATE_KEY), and names that look like
        /// secrets: config.json is not encrypted, and the host key belongs in the keystore.
        /// </summary>
        public static void EnvironmentVariable(string name)
        {
            if (name == null || !EnvironmentName.IsMatch(name))
            {
                throw new FabstirException(
                    InvalidEnvironmentNameErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{name}' is not an environment variable name: use letters, digits and '_', not " +
                    "starting with a digit.",
                    name);
            }

            foreach ((string owned, string instead) in ModuleOwned)
            {
                if (string.Equals(name, owned, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FabstirException(
                        ReservedEnvironmentVariableErrorId,
                        FabstirErrorCategory.InvalidArgument,
                        $"'{name}' cannot be given as an environment variable: FabstirHost sets it itself, " +
                        $"and checks and watches the node by it. Give it with {instead} instead, and leave it " +
                        "out of -Environment (a saved one is removed by Set-FabstirHostConfig -Environment " +
                        $"@{{ {owned} = $null }}).",
                        name);
                }
            }

            string upper = name.ToUpperInvariant();
            if (upper == NodeKeyVariable)
            {
                throw new FabstirException(
                    SecretInEnvironmentErrorId,
                    FabstirErrorCategory.SecurityError,
                    $"'{name}' cannot be given as an environment variable: FabstirHost passes the host's key " +
                    "to the node itself, over a pipe, and config.json is stored in plain text. Give the key " +
                    "with -PrivateKey, the FABSTIR_HOST_PRIVATE_KEY variable, or the keystore " +
                    "(New-FabstirWallet or Import-FabstirWallet).",
                    name);
            }

            if (IsContractAddressVariable(upper))
            {
                return;
            }

            string? word = SecretWords.FirstOrDefault(secret => upper.Contains(secret));
            if (word != null)
            {
                throw new FabstirException(
                    SecretInEnvironmentErrorId,
                    FabstirErrorCategory.SecurityError,
                    $"'{name}' looks like a secret (its name contains '{word}'), and config.json is " +
                    "stored in plain text, so it was not saved. Keep the host key in the keystore " +
                    "(New-FabstirWallet or Import-FabstirWallet); pass other secrets to the node through " +
                    "the environment of the session that starts it.",
                    name);
            }
        }

        /// <summary>
        /// One variable for the node, as -Environment or config.json gives it: the name obeys
        /// <see cref="EnvironmentVariable"/>, and the value holds no NUL character, which no
        /// environment can carry (the value would be cut short, or the start would fail).
        /// </summary>
        public static void EnvironmentEntry(string name, string? value)
        {
            EnvironmentVariable(name);
            if (value != null && value.IndexOf('\0') >= 0)
            {
                throw new FabstirException(
                    InvalidEnvironmentValueErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"The value of the environment variable '{name}' contains a NUL character (at position " +
                    $"{value.IndexOf('\0')}), which an environment cannot hold. Give the value without it.",
                    name);
            }
        }

        /// <summary>FAB_TOKEN and USDC_TOKEN name token contracts, not secrets.</summary>
        private static bool IsContractAddressVariable(string upperName)
        {
            return ChainSetting.Contracts.Any(setting => setting.EnvironmentName == upperName);
        }

        public static string RpcUrl(string url) => ChainProfileResolver.ValidRpcUrl(url.Trim());

        public static long ChainId(long chainId)
        {
            if (chainId > 0)
            {
                return chainId;
            }

            throw new FabstirException(
                "InvalidChainId",
                FabstirErrorCategory.InvalidArgument,
                $"The chain id {chainId} is not valid: expected a positive number such as 84532.",
                chainId);
        }

        public static string ContractAddress(ChainSetting setting, string address)
        {
            return ChainProfileResolver.ValidAddress(setting, address.Trim());
        }

        private static int Port(int port, int max, string what)
        {
            if (port >= 1 && port <= max)
            {
                return port;
            }

            throw new FabstirException(
                InvalidPortErrorId,
                FabstirErrorCategory.InvalidArgument,
                $"{port} is not a valid {what}: expected 1 to {max}.",
                port);
        }
    }
}
