using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>What <see cref="HostDiagnostics"/> checks, and the parts it uses to look.</summary>
    public sealed class DiagnosticsOptions
    {
        public const int DefaultApiPort = 8080;

        public DiagnosticsOptions(FabstirPaths paths)
        {
            Paths = paths;
        }

        public FabstirPaths Paths { get; }

        public HostConfig? Config { get; set; }

        /// <summary>
        /// Why config.json could not be read, when it is damaged; the settings it would have given
        /// are then unknown, and only the parameters and the built-in defaults are checked.
        /// </summary>
        public string? ConfigDamage { get; set; }

        /// <summary>The command that deals with <see cref="ConfigDamage"/>; null: move the file aside.</summary>
        public string? ConfigDamageRemedy { get; set; }

        /// <summary>
        /// The values of a readable config.json that cannot be used, as Fail checks; the options
        /// hold the defaults in their place.
        /// </summary>
        public List<FabstirDiagnostic> ConfigProblems { get; } = new List<FabstirDiagnostic>();

        /// <summary>
        /// True when config.json's chain settings were unusable and left out, so the chain it meant
        /// is unknown.
        /// </summary>
        public bool ConfigChainUnusable { get; set; }

        public Uri? PublicUrl { get; set; }

        public int ApiPort { get; set; } = DefaultApiPort;

        /// <summary>The first P2P port; the module's default is the API port + 1.</summary>
        public int? P2PPort { get; set; }

        public string? ModelPath { get; set; }

        public string? NodePath { get; set; }

        /// <summary>Where <see cref="NodePath"/> came from, as the node binary check names it.</summary>
        public string NodePathSource { get; set; } = NodeBinaryLocator.ConfigurationSource;

        /// <summary>The limit for each HTTP probe (local and public).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

        public ICommandRunner Commands { get; set; } = ProcessCommandRunner.Instance;

        /// <summary>The chain layer's checks; null reports them as Skip.</summary>
        public IChainDiagnostics? Chain { get; set; }

        /// <summary>Why the chain checks are skipped when <see cref="Chain"/> is null.</summary>
        public string ChainSkipReason { get; set; } = SkippedChainChecks.Detail;

        /// <summary>The chain layer's model hashes; null reports the hash check as Skip.</summary>
        public IModelHashSource? ModelHashes { get; set; }

        public NodePorts Ports => new NodePorts(ApiPort, P2PPort ?? ApiPort + 1);

        /// <summary>
        /// Options filled from config.json in the home (see <see cref="FromConfig"/>). A damaged file
        /// does not stop the diagnostics: it becomes <see cref="ConfigDamage"/>, reported as the
        /// first check, and the options hold only the defaults.
        /// </summary>
        public static DiagnosticsOptions FromHome(FabstirPaths paths, string? publicUrl = null)
        {
            HostConfig? config;
            try
            {
                config = HostConfigStore.Load(paths);
            }
            catch (FabstirException ex) when (
                ex.ErrorId == HostConfigStore.DamagedErrorId || ex.ErrorId == HostConfigStore.NewerSchemaErrorId)
            {
                DiagnosticsOptions options = FromConfig(paths, null, publicUrl);
                options.ConfigDamage = ex.Message;
                if (ex.ErrorId == HostConfigStore.NewerSchemaErrorId)
                {
                    options.ConfigDamageRemedy = "Import-Module FabstirHost -MinimumVersion <the newer version>";
                }

                return options;
            }

            if (config == null)
            {
                return FromConfig(paths, null, publicUrl);
            }

            var problems = new List<FabstirDiagnostic>();
            HostConfig usable = DiagnosticChecks.ScreenConfig(
                config, !string.IsNullOrWhiteSpace(publicUrl), problems, out bool chainUnusable);
            DiagnosticsOptions screened = FromConfig(paths, usable, publicUrl);
            screened.ConfigProblems.AddRange(problems);
            screened.ConfigChainUnusable = chainUnusable;
            return screened;
        }

        /// <summary>
        /// Options filled from the saved configuration (URL, ports, model and node paths).
        /// <paramref name="publicUrl"/>, when given, replaces the configured URL, which is then not
        /// parsed at all (so a wrong saved URL can be bypassed).
        /// </summary>
        public static DiagnosticsOptions FromConfig(
            FabstirPaths paths,
            HostConfig? config,
            string? publicUrl = null)
        {
            var options = new DiagnosticsOptions(paths)
            {
                Config = config,
                ApiPort = config?.ApiPort ?? DefaultApiPort,
                P2PPort = config?.P2PPort,
                ModelPath = config?.ModelPath,
                NodePath = config?.NodePath,
            };

            string? url = publicUrl ?? config?.PublicUrl;
            if (!string.IsNullOrWhiteSpace(url))
            {
                options.PublicUrl = UrlRules.Parse(url!);
            }

            return options;
        }
    }

    /// <summary>
    /// Checks everything a host needs, in the order a request travels: the node binary and model,
    /// the running process, its ports, the local health endpoint, the public URL (name, reachability,
    /// same node), the firewall, and the chain. Nothing is changed; each problem carries its remedy.
    /// </summary>
    public static class HostDiagnostics
    {
        public static async Task<IReadOnlyList<FabstirDiagnostic>> RunAsync(
            DiagnosticsOptions options,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            const string activity = "Diagnosing the FabstirHost set-up";
            var results = new List<FabstirDiagnostic>();
            void Add(FabstirDiagnostic diagnostic)
            {
                log.Verbose(diagnostic.ToString());
                results.Add(diagnostic);
            }

            // The slow parts (HTTP probes, firewall tools) start first and are collected in order.
            Uri localUrl = new Uri($"http://127.0.0.1:{options.ApiPort}");
            Task<FabstirEndpointResult> local = EndpointProbe.ProbeAsync(
                localUrl, options.Timeout, log, cancellationToken);
            Task<FabstirEndpointResult>? remote = options.PublicUrl == null
                ? null
                : EndpointProbe.ProbeAsync(options.PublicUrl, options.Timeout, log, cancellationToken);
            Task<FirewallReport> firewall = Task.Run(
                () => new FirewallInspector(options.Commands).Inspect(options.Ports), cancellationToken);

            log.Progress(new OperationProgress(activity, "Node binary and model", 10));
            if (options.ConfigDamage != null)
            {
                Add(DiagnosticChecks.ConfigFile(options.Paths, options.ConfigDamage, options.ConfigDamageRemedy));
            }

            foreach (FabstirDiagnostic problem in options.ConfigProblems)
            {
                Add(problem);
            }

            Add(DiagnosticChecks.NodeBinary(
                NodeBinaryLocator.Locate(options.NodePath, options.NodePathSource)));
            Add(options.ModelPath == null && options.ConfigDamage != null
                ? DiagnosticChecks.UnknownSetting(DiagnosticArea.Model, "Model file", "model", "-ModelPath")
                : DiagnosticChecks.ModelFile(options.ModelPath));
            Add(await DiagnosticChecks.ModelHashAsync(
                options.ModelPath, options.ModelHashes, cancellationToken, log).ConfigureAwait(false));

            log.Progress(new OperationProgress(activity, "Node process and ports", 30));
            Add(DiagnosticChecks.NodeProcess(options.Paths, out NodeProcessFacts node));
            IReadOnlyList<ListeningSocket> sockets = SocketTable.Read();
            foreach (FabstirDiagnostic port in DiagnosticChecks.Ports(options.Ports, sockets, node))
            {
                Add(port);
            }

            log.Progress(new OperationProgress(activity, "Local and public endpoints", 50));
            FabstirEndpointResult localResult = await local.ConfigureAwait(false);
            Add(DiagnosticChecks.LocalHealth(localResult));
            await AddPublicChecksAsync(options, localResult, remote, sockets, Add).ConfigureAwait(false);

            log.Progress(new OperationProgress(activity, "Firewall", 80));
            Add(DiagnosticChecks.Firewall(await firewall.ConfigureAwait(false)));

            log.Progress(new OperationProgress(activity, "Chain", 90));
            IReadOnlyList<FabstirDiagnostic> chain = await ChainChecksAsync(options, cancellationToken)
                .ConfigureAwait(false);
            foreach (FabstirDiagnostic check in chain)
            {
                Add(check);
            }

            log.Progress(new OperationProgress(activity, "Done", 100, completed: true));
            return results;
        }

        private static async Task AddPublicChecksAsync(
            DiagnosticsOptions options,
            FabstirEndpointResult localResult,
            Task<FabstirEndpointResult>? remote,
            IReadOnlyList<ListeningSocket> sockets,
            Action<FabstirDiagnostic> add)
        {
            add(options.PublicUrl == null && options.ConfigDamage != null
                ? DiagnosticChecks.UnknownSetting(DiagnosticArea.Public, "Public URL", "public URL", "-Url")
                : DiagnosticChecks.PublicUrl(options.PublicUrl));
            if (remote == null)
            {
                string detail = options.ConfigDamage == null
                    ? "no public URL is configured"
                    : "no public URL is known";
                add(Skip(DiagnosticArea.Public, "Public DNS", detail));
                add(Skip(DiagnosticArea.Public, "Public reachability", detail));
                add(Skip(DiagnosticArea.Public, "Same node", detail));
                return;
            }

            FabstirEndpointResult remoteResult = await remote.ConfigureAwait(false);
            IReadOnlyCollection<IPAddress> localAddresses = UrlRules.LocalAddresses();
            add(DiagnosticChecks.PublicAddress(remoteResult, localAddresses));
            add(DiagnosticChecks.PublicReachable(remoteResult, options.ApiPort));
            add(DiagnosticChecks.SameNode(localResult, remoteResult, sockets, localAddresses));
        }

        private static async Task<IReadOnlyList<FabstirDiagnostic>> ChainChecksAsync(
            DiagnosticsOptions options,
            CancellationToken cancellationToken)
        {
            if (options.Chain == null)
            {
                return SkippedChainChecks.Names
                    .Select(name => Skip(DiagnosticArea.Chain, name, options.ChainSkipReason))
                    .ToList();
            }

            var context = new ChainDiagnosticsContext(options.Config, options.PublicUrl, options.ModelPath);
            return await options.Chain.CheckAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }
}
