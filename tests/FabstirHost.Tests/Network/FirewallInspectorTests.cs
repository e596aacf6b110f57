using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class FirewallInspectorTests
    {
        private static readonly NodePorts Ports = new(8080, 8081);

        [NamespaceFact]
        public void No_filtering_rules_pass_without_a_remedy()
        {
            // The real tools in a namespace with no rules: ufw (when installed) says inactive, nft
            // lists an empty ruleset and iptables only ACCEPT policies.
            FirewallReport report = new FirewallInspector(new NamespacedCommandRunner(":")).Inspect(Ports);
            FabstirDiagnostic check = DiagnosticChecks.Firewall(report);

            Assert.Equal("none", report.Name);
            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Null(check.Remedy);
        }

        [NamespaceFact]
        public void Nftables_dropping_the_node_ports_fails_with_the_nft_command()
        {
            var runner = new NamespacedCommandRunner(
                "nft add table inet filter && " +
                "nft add chain inet filter input '{ type filter hook input priority 0; policy drop; }' && " +
                "nft add rule inet filter input tcp dport 22 accept");

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);
            FabstirDiagnostic check = DiagnosticChecks.Firewall(report);

            Assert.Equal("nftables", report.Name);
            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("8080/tcp, 8081/tcp, 8082/tcp, 8083/udp", check.Detail);
            Assert.Equal(
                "sudo nft insert rule inet filter input tcp dport { 8080, 8081-8082 } accept && " +
                "sudo nft insert rule inet filter input udp dport 8083 accept",
                check.Remedy);
        }

        [NamespaceFact]
        public void Nftables_allowing_the_node_ports_passes()
        {
            var runner = new NamespacedCommandRunner(
                "nft add table inet filter && " +
                "nft add chain inet filter input '{ type filter hook input priority 0; policy drop; }' && " +
                "nft add rule inet filter input tcp dport '{ 8080, 8081-8082 }' accept && " +
                "nft add rule inet filter input udp dport 8083 counter accept");

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);

            Assert.Equal("nftables", report.Name);
            Assert.True(report.PortsOpen, report.Detail);
            Assert.Equal(DiagnosticStatus.Pass, DiagnosticChecks.Firewall(report).Status);
        }

        [NamespaceFact]
        public void Iptables_rules_are_read_with_iptables_and_judged_per_port()
        {
            var runner = new NamespacedCommandRunner(
                "iptables -P INPUT DROP && " +
                "iptables -A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT && " +
                "iptables -A INPUT -p tcp -m multiport --dports 8081:8082 -j ACCEPT");

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);
            FabstirDiagnostic check = DiagnosticChecks.Firewall(report);

            Assert.Equal("iptables", report.Name);
            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.EndsWith("no rule allows 8083/udp", check.Detail);
            Assert.StartsWith(
                "sudo iptables -I INPUT -p tcp -m multiport --dports 8080,8081:8082 -j ACCEPT", check.Remedy);
        }

        [Fact]
        public void Active_ufw_is_read_from_its_status_listing()
        {
            // 'ufw status' output format of ufw 0.36 (Debian 12) with the firewall enabled; enabling
            // it for real would change this machine's firewall.
            var runner = new RecordedCommandRunner(new()
            {
                ["ufw status"] = new CommandOutput(0,
                    UfwStatus(
                        "22/tcp                     ALLOW       Anywhere",
                        "8080/tcp                   ALLOW       Anywhere",
                        "22/tcp (v6)                ALLOW       Anywhere (v6)"),
                    string.Empty),
            });

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);

            Assert.Equal("ufw", report.Name);
            Assert.False(report.PortsOpen);
            Assert.Contains("8081/tcp, 8082/tcp, 8083/udp", report.Detail);
            Assert.Equal(
                "sudo ufw allow 8080/tcp && sudo ufw allow 8081:8082/tcp && sudo ufw allow 8083/udp",
                report.OpenCommand);
        }

        [Fact]
        public void Ufw_allowing_ranges_and_both_protocols_passes()
        {
            var runner = new RecordedCommandRunner(new()
            {
                ["ufw status"] = new CommandOutput(0,
                    UfwStatus(
                        "8080                       ALLOW       Anywhere",
                        "8081:8082/tcp              ALLOW       Anywhere",
                        "8083/udp                   ALLOW       Anywhere"),
                    string.Empty),
            });

            Assert.True(new FirewallInspector(runner).Inspect(Ports).PortsOpen);
        }

        [Fact]
        public void Running_firewalld_is_read_from_its_port_list()
        {
            // firewalld is not installed here: its documented '--state' and '--list-ports' output.
            var runner = new RecordedCommandRunner(new()
            {
                ["firewall-cmd --state"] = new CommandOutput(0, "running\n", string.Empty),
                ["firewall-cmd --list-ports"] = new CommandOutput(0, "8080/tcp 8081-8082/tcp\n", string.Empty),
            });

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);

            Assert.Equal("firewalld", report.Name);
            Assert.False(report.PortsOpen);
            Assert.Contains("8083/udp", report.Detail);
            Assert.Contains("--add-port=8083/udp", report.OpenCommand);
        }

        [Fact]
        public void Windows_firewall_on_gives_the_new_netfirewallrule_commands()
        {
            // netsh output of Windows Server 2022 (not runnable here).
            var runner = new RecordedCommandRunner(new()
            {
                ["netsh advfirewall show allprofiles state"] = new CommandOutput(0,
                    string.Join("\r\n",
                        "",
                        "Domain Profile Settings:",
                        new string('-', 70),
                        "State                                 ON",
                        "",
                        "Private Profile Settings:",
                        new string('-', 70),
                        "State                                 ON",
                        "Ok.",
                        ""),
                    string.Empty),
            });

            FirewallReport report = new FirewallInspector(runner, windows: true).Inspect(Ports);

            Assert.Equal("Windows Defender Firewall", report.Name);
            Assert.Null(report.PortsOpen);
            Assert.Equal(DiagnosticStatus.Warn, DiagnosticChecks.Firewall(report).Status);
            Assert.Contains("-Protocol TCP -LocalPort 8080,8081,8082", report.OpenCommand);
            Assert.Contains("-Protocol UDP -LocalPort 8083", report.OpenCommand);
        }

        private static string UfwStatus(params string[] rules) =>
            "Status: active\n\n" +
            "To                         Action      From\n" +
            "--                         ------      ----\n" +
            string.Join("\n", rules) + "\n";

        [Fact]
        public void A_tool_that_needs_root_is_reported_as_unreadable()
        {
            var runner = new RecordedCommandRunner(new()
            {
                ["ufw status"] = new CommandOutput(
                    1, string.Empty, "ERROR: You need to be root to run this script\n"),
            });

            FirewallReport report = new FirewallInspector(runner).Inspect(Ports);

            Assert.Null(report.PortsOpen);
            Assert.Contains("You need to be root", report.Detail);
        }
    }
}
