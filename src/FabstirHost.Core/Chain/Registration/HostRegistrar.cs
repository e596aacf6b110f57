using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using FabstirHost.Core.Network;
using FabstirHost.Core.Node;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// The whole registration of a host: validate the request offline, read the chain and plan,
    /// start the node (or reuse the running one), prove the public URL answers, send the plan,
    /// save the configuration. Nothing is sent when any earlier step fails.
    /// </summary>
    public sealed class HostRegistrar
    {
        private readonly FabstirChain _chain;
        private readonly FabstirPaths _paths;
        private readonly IOperationLog _log;

        public HostRegistrar(FabstirChain chain, FabstirPaths paths, IOperationLog log)
        {
            _chain = chain;
            _paths = paths;
            _log = log;
        }

        /// <summary>Called before each transaction; tests use it to change the chain in between.</summary>
        internal Func<FabstirPlannedTransaction, CancellationToken, Task>? BeforeEachTransaction { get; set; }

        /// <summary>Validates and reads the chain; returns what a registration would do. Sends nothing.</summary>
        public async Task<RegistrationPlan> PlanAsync(
            RegistrationRequest request,
            HostKey key,
            CancellationToken cancellationToken)
        {
            RegistrationInput input = RegistrationInput.Validate(request, _log);
            var planner = new RegistrationPlanner(_chain, _log);
            RegistrationPlan plan = await planner.PlanAsync(
                input, key.Address, HostMetadata.PublicKeyOf(key), cancellationToken).ConfigureAwait(false);
            FabstirNode? running = await ReusableNodeAsync(input, cancellationToken).ConfigureAwait(false);
            plan.NodeAction = request.NoStart
                ? "not started (-NoStart)"
                : running != null
                    ? $"already running and ready with '{running.ModelPath}' on port {running.ApiPort}"
                    : $"start fabstir-llm-node with '{request.ModelPath}' on port {input.ApiPort}, then " +
                        $"check {UrlRules.HealthUrl(input.Url)}";
            return plan;
        }

        /// <summary>Registers the host, or brings its registration up to date.</summary>
        public async Task<FabstirHostRegistration> RegisterAsync(
            RegistrationRequest request,
            HostKey key,
            CancellationToken cancellationToken)
        {
            RegistrationPlan plan = await PlanAsync(request, key, cancellationToken).ConfigureAwait(false);
            return await RegisterAsync(plan, key, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Carries out a plan made by <see cref="PlanAsync"/>.</summary>
        public async Task<FabstirHostRegistration> RegisterAsync(
            RegistrationPlan plan,
            HostKey key,
            CancellationToken cancellationToken)
        {
            RegistrationInput input = plan.Input;
            string? localOnly = UrlRules.LocalOnlyReason(input.Url);
            if (localOnly != null)
            {
                _log.Warning($"The public URL {input.UrlText} cannot be reached from the internet: {localOnly}. " +
                    "Clients elsewhere will not reach this host; register a public address or name.");
            }

            (FabstirNode? node, bool startedHere) = await EnsureNodeAsync(input, key, cancellationToken)
                .ConfigureAwait(false);
            await VerifyPublicUrlAsync(input, startedHere, cancellationToken).ConfigureAwait(false);

            var executor = new RegistrationExecutor(_chain, _log) { BeforeEachStep = BeforeEachTransaction };
            IReadOnlyList<FabstirTransaction> sent;
            try
            {
                sent = await executor.ExecuteAsync(plan, key, input.Request.Transactions, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (FabstirException) when (plan.Record.IsRegistered)
            {
                RegistrationConfig.Save(_paths, plan, _chain.Profile, input.Request.P2PPort);
                throw;
            }

            RegistrationConfig.Save(_paths, plan, _chain.Profile, input.Request.P2PPort);
            _log.Verbose(sent.Count == 0
                ? $"Nothing was sent: the registration of {plan.HostAddress} is unchanged."
                : $"{plan.Status}: {sent.Count} transaction(s) mined. Saved '{_paths.ConfigFile}'.");
            if (node != null)
            {
                node = await new NodeController(_paths).GetAsync(cancellationToken).ConfigureAwait(false);
            }

            return new FabstirHostRegistration(plan, _chain.Profile.ChainId, _chain.Profile.NodeRegistry, sent, node);
        }

        private async Task<FabstirNode?> ReusableNodeAsync(RegistrationInput input, CancellationToken cancellationToken)
        {
            if (input.Request.NoStart || input.Request.ModelPath == null)
            {
                return null;
            }

            FabstirNode node = await new NodeController(_paths).GetAsync(probe: false, cancellationToken)
                .ConfigureAwait(false);
            bool sameModel = node.ModelPath != null &&
                string.Equals(Path.GetFullPath(node.ModelPath), Path.GetFullPath(input.Request.ModelPath), StringComparison.Ordinal);
            return node.Status == NodeStatus.Ready && sameModel && node.ApiPort == input.ApiPort ? node : null;
        }

        private async Task<(FabstirNode? Node, bool StartedHere)> EnsureNodeAsync(
            RegistrationInput input,
            HostKey key,
            CancellationToken cancellationToken)
        {
            if (input.Request.NoStart)
            {
                _log.Verbose("Not starting the node (-NoStart).");
                return (null, false);
            }

            FabstirNode? running = await ReusableNodeAsync(input, cancellationToken).ConfigureAwait(false);
            if (running != null)
            {
                _log.Verbose($"The node is already running and ready (process {running.ProcessId}) with this model.");
                return (running, false);
            }

            NodeLaunchOptions options = input.Request.NodeOptions ?? new NodeLaunchOptions(_paths);
            options.ModelPath = input.Request.ModelPath!;
            options.ApiPort = input.ApiPort;
            options.P2PPort = input.Request.P2PPort;
            options.PrivateKey = KeyResolver.ToSecure(key.EcKey.GetPrivateKey());
            foreach (KeyValuePair<string, string> pair in _chain.Profile.ToNodeEnvironment())
            {
                options.ChainEnvironment[pair.Key] = pair.Value;
            }

            FabstirNode node = await new NodeController(_paths).StartAsync(options, _log, cancellationToken)
                .ConfigureAwait(false);
            NodeConfigWriter.Save(_paths, new NodeSettings
            {
                NodePath = node.NodePath ?? string.Empty,
                ModelPath = node.ModelPath ?? options.ModelPath,
                ApiPort = options.ApiPort,
                P2PPort = options.EffectiveP2PPort,
                LogLevel = options.LogLevel,
                Environment = options.Environment.Count == 0 ? null : new Dictionary<string, string>(options.Environment),
            });
            return (node, true);
        }

        private async Task VerifyPublicUrlAsync(RegistrationInput input, bool startedHere, CancellationToken cancellationToken)
        {
            FabstirEndpointResult result = await EndpointProbe.ProbeAsync(
                input.Url, input.Request.ProbeTimeout, _log, cancellationToken).ConfigureAwait(false);
            if (result.Reachable)
            {
                _log.Verbose($"{result.HealthUrl} answers: HTTP {result.StatusCode}, status '{result.HealthStatus}'.");
                return;
            }

            if (input.Request.NoStart)
            {
                _log.Warning($"{result.HealthUrl} does not answer ({result.FailureMessage}); registering anyway " +
                    "because of -NoStart. Start the node before clients arrive.");
                return;
            }

            if (startedHere)
            {
                _log.Verbose("Stopping the node this command started, since clients cannot reach it.");
                await new NodeController(_paths).StopAsync(TimeSpan.FromSeconds(10), _log, CancellationToken.None)
                    .ConfigureAwait(false);
            }

            throw Unreachable(input, result);
        }

        private static FabstirException Unreachable(RegistrationInput input, FabstirEndpointResult result)
        {
            IReadOnlyList<FabstirDiagnostic> checks = Troubleshooter.ForFailure(result, input.ApiPort, input.Request.P2PPort);
            var steps = new List<string>
            {
                $"On this machine: curl -s http://127.0.0.1:{input.ApiPort}/health (the node itself).",
            };
            steps.AddRange(checks.Where(c => c.Status != DiagnosticStatus.Pass)
                .Select(c => $"{c.Area}/{c.Name}: {c.Detail}" + (c.Remedy == null ? string.Empty : $" -> {c.Remedy}")));
            steps.Add($"The port must listen on all interfaces (0.0.0.0:{input.ApiPort}), not only on 127.0.0.1: " +
                $"ss -ltn 'sport = :{input.ApiPort}'.");
            steps.Add($"From another machine: curl -s {result.HealthUrl}");
            string numbered = string.Join(Environment.NewLine, steps.Select((s, i) => $"  {i + 1}. {s}"));
            return new FabstirException(
                RegistrationErrors.PublicUrlUnreachable,
                FabstirErrorCategory.ConnectionError,
                $"The public URL does not answer: {result.HealthUrl}: {result.FailureMessage} Nothing was " +
                "sent, and a node this command started was stopped. Check, in order:" + Environment.NewLine + numbered,
                result.HealthUrl.ToString())
            {
                RecommendedAction = "Fix the first failing check above, then run the same command again.",
            };
        }
    }
}
