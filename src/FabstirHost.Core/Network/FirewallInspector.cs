using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// The ports a node needs open: the API port (TCP) and the P2P ports P, P+1 (TCP) and P+2 (UDP).
    /// </summary>
    public sealed class NodePorts
    {
        public NodePorts(int apiPort, int p2pPort)
        {
            ApiPort = apiPort;
            P2PPort = p2pPort;
        }

        public int ApiPort { get; }

        public int P2PPort { get; }

        /// <summary>Every (port, protocol) the node binds, API first.</summary>
        public IReadOnlyList<(int Port, string Protocol)> All => new[]
        {
            (ApiPort, "tcp"), (P2PPort, "tcp"), (P2PPort + 1, "tcp"), (P2PPort + 2, "udp"),
        };
    }

    /// <summary>
    /// Which host firewall filters incoming connections, and what it would take to let the node in.
    /// </summary>
    public sealed class FirewallReport
    {
        public FirewallReport(string name, bool active, bool? portsOpen, string detail, string? openCommand)
        {
            Name = name;
            Active = active;
            PortsOpen = portsOpen;
            Detail = detail;
            OpenCommand = openCommand;
        }

        /// <summary>
        /// <c>ufw</c>, <c>firewalld</c>, <c>nftables</c>, <c>iptables</c>, <c>Windows Defender Firewall</c>
        /// or <c>none</c>.
        /// </summary>
        public string Name { get; }

        public bool Active { get; }

        /// <summary>True when rules allow every node port, null when that could not be told.</summary>
        public bool? PortsOpen { get; }

        public string Detail { get; }

        /// <summary>The exact command that opens the node's ports on this firewall.</summary>
        public string? OpenCommand { get; }
    }

    /// <summary>
    /// Finds the active host firewall by asking its own tool for its status (read-only commands), in
    /// the order they layer: ufw and firewalld manage nftables/iptables rules, so they are asked first.
    /// </summary>
    public sealed class FirewallInspector
    {
        // "8080/tcp   ALLOW   Anywhere", "8081:8082/tcp (v6)   ALLOW IN   Anywhere (v6)", "8080   ALLOW ..."
        private const string UfwAllowRule =
            @"^(?<ports>[\d,:]+)(/(?<proto>tcp|udp))?\s+(\(v6\)\s+)?ALLOW(\s+IN)?\b";

        // "tcp dport 8080 accept", "tcp dport { 8080, 8081-8082 } counter packets 0 bytes 0 accept"
        private const string NftAcceptRule =
            @"(?<proto>tcp|udp) dport (\{(?<ports>[^}]*)\}|(?<ports>[\d-]+))[^\n]*\baccept";

        private const string NftTable = @"^table (?<family>\w+) (?<table>\S+) \{(?<body>.*?)^\}";
        private const string NftChain = @"chain (?<chain>\S+) \{(?<body>.*?)\n\t\}";

        // "-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT", "... -m multiport --dports 8081:8082 -j ACCEPT"
        private const string IptablesAcceptRule =
            @"^-A INPUT .*-p (?<proto>tcp|udp) .*--dports? (?<ports>[\d,:]+).*-j ACCEPT";

        private readonly ICommandRunner _commands;
        private readonly bool _windows;

        public FirewallInspector(ICommandRunner commands, bool? windows = null)
        {
            _commands = commands;
            _windows = windows ?? RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        }

        public FirewallReport Inspect(NodePorts ports)
        {
            if (_windows)
            {
                return InspectWindows(ports);
            }

            return InspectUfw(ports)
                ?? InspectFirewalld(ports)
                ?? InspectNftables(ports)
                ?? InspectIptables(ports)
                ?? new FirewallReport("none", false, true, NoFirewallDetail(), null);
        }

        private static string NoFirewallDetail()
        {
            return "no host firewall filters incoming connections (ufw, firewalld, nftables and " +
                "iptables have no filtering rules or are not installed); a provider's firewall or " +
                "security group may still block the ports";
        }

        private FirewallReport? InspectUfw(NodePorts ports)
        {
            CommandOutput? status = _commands.Run("ufw", "status");
            if (status == null)
            {
                return null;
            }

            if (status.ExitCode != 0)
            {
                return Unreadable("ufw", status, UfwOpenCommand(ports));
            }

            if (!Regex.IsMatch(status.StandardOutput, @"^Status:\s*active", RegexOptions.Multiline))
            {
                return null;
            }

            var allowed = new List<(string Ports, string Protocol)>();
            foreach (Match rule in Regex.Matches(status.StandardOutput, UfwAllowRule, RegexOptions.Multiline))
            {
                Group protocol = rule.Groups["proto"];
                allowed.Add((rule.Groups["ports"].Value, protocol.Success ? protocol.Value : "any"));
            }

            return Judge("ufw", ports, allowed, UfwOpenCommand(ports));
        }

        private FirewallReport? InspectFirewalld(NodePorts ports)
        {
            CommandOutput? state = _commands.Run("firewall-cmd", "--state");
            if (state == null || state.StandardOutput.Trim() != "running")
            {
                return null;
            }

            CommandOutput? list = _commands.Run("firewall-cmd", "--list-ports");
            if (list == null || list.ExitCode != 0)
            {
                return Unreadable("firewalld", list, FirewalldOpenCommand(ports));
            }

            var allowed = list.StandardOutput
                .Split(new[] { ' ', '\n', '\r', '\t' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('/'))
                .Where(parts => parts.Length == 2)
                .Select(parts => (parts[0], parts[1]))
                .ToList();
            return Judge("firewalld", ports, allowed, FirewalldOpenCommand(ports));
        }

        private FirewallReport? InspectNftables(NodePorts ports)
        {
            CommandOutput? ruleset = _commands.Run("nft", "list", "ruleset");
            if (ruleset == null)
            {
                return null;
            }

            if (ruleset.ExitCode != 0)
            {
                return Unreadable("nftables", ruleset, NftOpenCommand(ports, "inet filter input"));
            }

            string? inputChain = FilteringNftInputChain(ruleset.StandardOutput);
            if (inputChain == null || inputChain.EndsWith(" INPUT", StringComparison.Ordinal))
            {
                // Nothing filters, or the chain is iptables' own (iptables-nft shows its rules here
                // too): iptables is then the tool the operator uses, and is asked next.
                return null;
            }

            var allowed = new List<(string Ports, string Protocol)>();
            foreach (Match rule in Regex.Matches(ruleset.StandardOutput, NftAcceptRule))
            {
                string list = rule.Groups["ports"].Value.Replace(" ", string.Empty);
                allowed.Add((list, rule.Groups["proto"].Value));
            }

            return Judge("nftables", ports, allowed, NftOpenCommand(ports, inputChain));
        }

        /// <summary>
        /// The "family table chain" of the first input-hook chain that can drop packets (a drop
        /// policy, or a drop/reject rule in its body), or null when nothing filters input.
        /// </summary>
        internal static string? FilteringNftInputChain(string ruleset)
        {
            var options = RegexOptions.Multiline | RegexOptions.Singleline;
            foreach (Match table in Regex.Matches(ruleset, NftTable, options))
            {
                string tableBody = table.Groups["body"].Value;
                foreach (Match chain in Regex.Matches(tableBody, NftChain, RegexOptions.Singleline))
                {
                    string body = chain.Groups["body"].Value;
                    bool input = Regex.IsMatch(body, @"hook input\b");
                    bool drops = Regex.IsMatch(body, @"\b(drop|reject)\b");
                    if (input && drops)
                    {
                        string family = table.Groups["family"].Value;
                        return $"{family} {table.Groups["table"].Value} {chain.Groups["chain"].Value}";
                    }
                }
            }

            return null;
        }

        private FirewallReport? InspectIptables(NodePorts ports)
        {
            CommandOutput? rules = _commands.Run("iptables", "-S", "INPUT");
            if (rules == null)
            {
                return null;
            }

            if (rules.ExitCode != 0)
            {
                return Unreadable("iptables", rules, IptablesOpenCommand(ports));
            }

            string text = rules.StandardOutput;
            bool filters = Regex.IsMatch(text, @"^-P INPUT (DROP|REJECT)", RegexOptions.Multiline)
                || Regex.IsMatch(text, @"^-A INPUT .*-j (DROP|REJECT)", RegexOptions.Multiline);
            if (!filters)
            {
                return null;
            }

            var allowed = new List<(string Ports, string Protocol)>();
            foreach (Match rule in Regex.Matches(text, IptablesAcceptRule, RegexOptions.Multiline))
            {
                allowed.Add((rule.Groups["ports"].Value, rule.Groups["proto"].Value));
            }

            return Judge("iptables", ports, allowed, IptablesOpenCommand(ports));
        }

        private FirewallReport InspectWindows(NodePorts ports)
        {
            string open = WindowsOpenCommand(ports);
            CommandOutput? state = _commands.Run("netsh", "advfirewall", "show", "allprofiles", "state");
            if (state == null || state.ExitCode != 0)
            {
                return Unreadable("Windows Defender Firewall", state, open);
            }

            const string name = "Windows Defender Firewall";
            var options = RegexOptions.Multiline | RegexOptions.IgnoreCase;
            if (!Regex.IsMatch(state.StandardOutput, @"^State\s+ON", options))
            {
                return new FirewallReport(name, false, true, $"{name} is off in every profile", null);
            }

            // Its rules are not port lists that can be read reliably from netsh; say so instead of guessing.
            string detail = $"{name} is on; whether it allows the node's ports was not determined";
            return new FirewallReport(name, true, null, detail, open);
        }

        private static FirewallReport Unreadable(string name, CommandOutput? output, string openCommand)
        {
            string reason = output == null
                ? "it did not run"
                : FirstLine(output.StandardError + "\n" + output.StandardOutput);
            string detail = $"{name} is installed but its rules could not be read ({reason}); " +
                "run as root to check";
            return new FirewallReport(name, true, null, detail, openCommand);
        }

        private static FirewallReport Judge(
            string name,
            NodePorts ports,
            IReadOnlyList<(string Ports, string Protocol)> allowed,
            string openCommand)
        {
            var closed = ports.All
                .Where(p => !allowed.Any(rule => Covers(rule, p.Port, p.Protocol)))
                .ToList();
            if (closed.Count == 0)
            {
                return new FirewallReport(
                    name, true, true, $"{name} is active and allows every node port", null);
            }

            string list = string.Join(", ", closed.Select(p => $"{p.Port}/{p.Protocol}"));
            string detail = $"{name} is active and no rule allows {list}";
            return new FirewallReport(name, true, false, detail, openCommand);
        }

        internal static bool Covers((string Ports, string Protocol) rule, int port, string protocol)
        {
            bool anyProtocol = rule.Protocol == "any";
            if (!anyProtocol && !string.Equals(rule.Protocol, protocol, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            foreach (string item in rule.Ports.Split(','))
            {
                string[] bounds = item.Split(':', '-');
                if (!int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low))
                {
                    continue;
                }

                int high = bounds.Length > 1 && int.TryParse(bounds[1], out int parsed) ? parsed : low;
                if (port >= low && port <= high)
                {
                    return true;
                }
            }

            return false;
        }

        private static string FirstLine(string text)
        {
            return text.Split('\n')
                .Select(line => line.Trim())
                .FirstOrDefault(line => line.Length > 0) ?? "no output";
        }

        internal static string UfwOpenCommand(NodePorts p) =>
            $"sudo ufw allow {p.ApiPort}/tcp && sudo ufw allow {p.P2PPort}:{p.P2PPort + 1}/tcp && " +
            $"sudo ufw allow {p.P2PPort + 2}/udp";

        internal static string FirewalldOpenCommand(NodePorts p) =>
            $"sudo firewall-cmd --permanent --add-port={p.ApiPort}/tcp " +
            $"--add-port={p.P2PPort}-{p.P2PPort + 1}/tcp --add-port={p.P2PPort + 2}/udp && " +
            "sudo firewall-cmd --reload";

        internal static string NftOpenCommand(NodePorts p, string chain) =>
            $"sudo nft insert rule {chain} tcp dport {{ {p.ApiPort}, {p.P2PPort}-{p.P2PPort + 1} }} " +
            $"accept && sudo nft insert rule {chain} udp dport {p.P2PPort + 2} accept";

        internal static string IptablesOpenCommand(NodePorts p) =>
            "sudo iptables -I INPUT -p tcp -m multiport " +
            $"--dports {p.ApiPort},{p.P2PPort}:{p.P2PPort + 1} -j ACCEPT && " +
            $"sudo iptables -I INPUT -p udp --dport {p.P2PPort + 2} -j ACCEPT";

        internal static string WindowsOpenCommand(NodePorts p) =>
            "New-NetFirewallRule -DisplayName 'Fabstir node (TCP)' -Direction Inbound -Action Allow " +
            $"-Protocol TCP -LocalPort {p.ApiPort},{p.P2PPort},{p.P2PPort + 1}; " +
            "New-NetFirewallRule -DisplayName 'Fabstir node (UDP)' -Direction Inbound -Action Allow " +
            $"-Protocol UDP -LocalPort {p.P2PPort + 2}";
    }
}
