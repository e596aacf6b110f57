namespace FabstirHost.Core.Network
{
    /// <summary>The verdict of one diagnostic check.</summary>
    public enum DiagnosticStatus
    {
        Pass,

        /// <summary>Works, but with a risk the operator should know about (NAT, loopback only).</summary>
        Warn,

        Fail,

        /// <summary>Not checked: nothing to check, or something it needs is missing (see the detail).</summary>
        Skip,
    }

    /// <summary>
    /// One check of a host's set-up: what was checked, what was found, and when something is wrong,
    /// the exact command that fixes it. The command is never run for the user.
    /// </summary>
    public sealed class FabstirDiagnostic
    {
        public FabstirDiagnostic(
            string area,
            string name,
            DiagnosticStatus status,
            string detail,
            string? remedy = null)
        {
            Area = area;
            Name = name;
            Status = status;
            Detail = detail;
            Remedy = remedy;
        }

        /// <summary>
        /// The part of the set-up: Node, Model, Process, Ports, Local, Public, Firewall, Chain.
        /// </summary>
        public string Area { get; }

        public string Name { get; }

        public DiagnosticStatus Status { get; }

        public string Detail { get; }

        /// <summary>The command (or, where none exists, the action) that fixes a Warn or Fail.</summary>
        public string? Remedy { get; }

        public override string ToString() => $"[{Status}] {Area}/{Name}: {Detail}";

        public static FabstirDiagnostic Pass(string area, string name, string detail) =>
            new FabstirDiagnostic(area, name, DiagnosticStatus.Pass, detail);

        public static FabstirDiagnostic Warn(string area, string name, string detail, string? remedy) =>
            new FabstirDiagnostic(area, name, DiagnosticStatus.Warn, detail, remedy);

        public static FabstirDiagnostic Fail(string area, string name, string detail, string? remedy) =>
            new FabstirDiagnostic(area, name, DiagnosticStatus.Fail, detail, remedy);

        public static FabstirDiagnostic Skip(string area, string name, string detail, string? remedy = null)
        {
            return new FabstirDiagnostic(area, name, DiagnosticStatus.Skip, detail, remedy);
        }
    }

    /// <summary>The names of the areas, so callers can filter without spelling them.</summary>
    public static class DiagnosticArea
    {
        public const string Config = "Config";
        public const string Node = "Node";
        public const string Model = "Model";
        public const string Process = "Process";
        public const string Ports = "Ports";
        public const string Local = "Local";
        public const string Public = "Public";
        public const string Firewall = "Firewall";
        public const string Chain = "Chain";
    }
}
