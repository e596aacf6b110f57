using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.HostManagement;
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
        private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

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

        /// <summary>
        /// Validates the request and reads the chain; returns what a registration would do. Sends nothing.
        /// </summary>
        public async Task<RegistrationPlan> PlanAsync(
            RegistrationRequest request,
            HostKey key,
            CancellationToken cancellationToken)
        {
            RegistrationInput input = RegistrationInput.Validate(request, _log);
            RegistrationConfig.Load(_paths);
            var planner = new RegistrationPlanner(_chain, _log);
            RegistrationPlan plan = await planner.PlanAsync(
                input, key.Address, HostMetadata.PublicKeyOf(key), cancellationToken).ConfigureAwait(false);
            plan.NodeAction = await DescribeNodeActionAsync(input, cancellationToken).ConfigureAwait(false);
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
                _log.Warning($"The public URL {input.UrlText} cannot be reached from the internet: " +
                    $"{localOnly}. Clients elsewhere will not reach this host; register a public address.");
            }

            (FabstirNode? node, NodeSettings? started) = await EnsureNodeAsync(input, key, cancellationToken)
                .ConfigureAwait(false);
            IReadOnlyList<FabstirTransaction> sent;
            try
            {
                await VerifyPublicUrlAsync(input, started != null, cancellationToken).ConfigureAwait(false);
                sent = await SendAsync(plan, key, started, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (started != null &&
                (ex is FabstirException || ex is OperationCanceledException))
            {
                // One rule for every failure: the node this run started goes, as it came; a node
                // that was already running is left alone. The same command starts it again.
                await StopStartedNodeAsync(ex as FabstirException).ConfigureAwait(false);
                throw;
            }

            _log.Verbose(sent.Count == 0
                ? $"Nothing was sent: the registration of {plan.HostAddress} is unchanged."
                : $"{plan.Status}: {sent.Count} transaction(s) mined. Saved '{_paths.ConfigFile}'.");
            if (node != null)
            {
                node = await new NodeController(_paths).GetAsync(cancellationToken).ConfigureAwait(false);
            }

            var profile = _chain.Profile;
            return new FabstirHostRegistration(plan, profile.ChainId, profile.NodeRegistry, sent, node);
        }

        /// <summary>
        /// Sends the plan and saves config.json: after success, or when the host is registered
        /// although the run stopped. A run that fails before that leaves config.json as it was.
        /// </summary>
        private async Task<IReadOnlyList<FabstirTransaction>> SendAsync(
            RegistrationPlan plan,
            HostKey key,
            NodeSettings? started,
            CancellationToken cancellationToken)
        {
            if (plan.Record.IsRegistered && plan.Steps.Count > 0)
            {
                await RequireStillRegisteredAsync(plan, cancellationToken).ConfigureAwait(false);
            }

            var executor = new RegistrationExecutor(_chain, _log) { BeforeEachStep = BeforeEachTransaction };
            IReadOnlyList<FabstirTransaction> sent;
            try
            {
                sent = await executor.ExecuteAsync(plan, key, plan.Input.Request.Transactions, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is FabstirException || ex is OperationCanceledException) &&
                (plan.Record.IsRegistered || executor.Registered))
            {
                // The host is on chain even though the run stopped, by a failure or by Ctrl+C: the
                // configuration says so.
                SaveConfig(plan, started);
                throw;
            }

            SaveConfig(plan, started);
            return sent;
        }

        /// <summary>
        /// A plan of updates needs the host it read: a slash can have unregistered it since, and
        /// the registry would refuse every update with a bare revert, so the record is read again.
        /// </summary>
        private async Task RequireStillRegisteredAsync(RegistrationPlan plan, CancellationToken cancellationToken)
        {
            var host = new HostContext(_chain, plan.HostAddress, HostConfigStore.Load(_paths));
            try
            {
                await host.RequireRegisteredAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FabstirException ex) when (ex.ErrorId == HostManagementErrors.HostNotRegistered)
            {
                ex.RecommendedAction = "Run the same command again: it reads the chain anew and registers " +
                    "the host, staking the minimum FAB again.";
                throw;
            }
        }

        private async Task StopStartedNodeAsync(FabstirException? failure)
        {
            _log.Verbose("Stopping the node this command started, since the registration did not complete.");
            await new NodeController(_paths).StopAsync(StopTimeout, _log, CancellationToken.None)
                .ConfigureAwait(false);
            if (failure == null)
            {
                _log.Warning("The node this command started was stopped, since the registration did not " +
                    "complete. Run the same command again to start it and finish.");
            }
            else if (failure.ErrorId != RegistrationErrors.PublicUrlUnreachable)
            {
                const string stopped = "The node this command started was stopped, since the registration " +
                    "did not complete; the same command starts it again.";
                failure.RecommendedAction = failure.RecommendedAction == null
                    ? stopped
                    : stopped + " " + failure.RecommendedAction;
            }
        }

        private void SaveConfig(RegistrationPlan plan, NodeSettings? started)
        {
            if (started != null)
            {
                NodeConfigWriter.Save(_paths, started);
            }

            RegistrationConfig.Save(_paths, plan, _chain.Profile, plan.Input.Request.P2PPort);
        }

        private async Task<string> DescribeNodeActionAsync(
            RegistrationInput input,
            CancellationToken cancellationToken)
        {
            if (input.Request.NoStart)
            {
                return "not started (-NoStart)";
            }

            FabstirNode? running = await ReusableNodeAsync(input, cancellationToken).ConfigureAwait(false);
            return running != null
                ? $"already running and ready with '{running.ModelPath}' on port {running.ApiPort}"
                : $"start fabstir-llm-node with '{input.Request.ModelPath}' on port {input.ApiPort}, " +
                    $"then check {UrlRules.HealthUrl(input.Url)}";
        }

        /// <summary>The running node, when it is ready with the same model file and port.</summary>
        private async Task<FabstirNode?> ReusableNodeAsync(
            RegistrationInput input,
            CancellationToken cancellationToken)
        {
            if (input.Request.NoStart || input.Request.ModelPath == null)
            {
                return null;
            }

            FabstirNode node = await new NodeController(_paths).GetAsync(probe: false, cancellationToken)
                .ConfigureAwait(false);
            bool sameModel = node.ModelPath != null && string.Equals(
                Path.GetFullPath(node.ModelPath),
                Path.GetFullPath(input.Request.ModelPath),
                StringComparison.Ordinal);
            bool ready = node.Status == NodeStatus.Ready && node.ApiPort == input.ApiPort;
            return ready && sameModel ? node : null;
        }

        /// <summary>
        /// The node to register: the running one when it serves this model on this port, else one
        /// started now, with the settings to save once the registration stands (null when none was).
        /// </summary>
        private async Task<(FabstirNode? Node, NodeSettings? Started)> EnsureNodeAsync(
            RegistrationInput input,
            HostKey key,
            CancellationToken cancellationToken)
        {
            if (input.Request.NoStart)
            {
                _log.Verbose("Not starting the node (-NoStart).");
                return (null, null);
            }

            FabstirNode? running = await ReusableNodeAsync(input, cancellationToken).ConfigureAwait(false);
            if (running != null)
            {
                _log.Verbose($"The node is already ready with this model (process {running.ProcessId}).");
                return (running, null);
            }

            NodeLaunchOptions options = LaunchOptions(input, key);
            FabstirNode node = await new NodeController(_paths).StartAsync(options, _log, cancellationToken)
                .ConfigureAwait(false);
            var settings = new NodeSettings
            {
                NodePath = node.NodePath ?? string.Empty,
                ModelPath = node.ModelPath ?? options.ModelPath,
                ApiPort = options.ApiPort,
                P2PPort = options.EffectiveP2PPort,
                LogLevel = options.LogLevel,
                Environment = options.Environment.Count == 0
                    ? null
                    : new Dictionary<string, string>(options.Environment),
            };

            return (node, settings);
        }

        /// <summary>
        /// The caller's launch options completed with the model, the ports, the chain and the key,
        /// which travels to the supervisor over its pipe and reaches the node as HOST_PRIVATE_KEY.
        /// </summary>
        private NodeLaunchOptions LaunchOptions(RegistrationInput input, HostKey key)
        {
            NodeLaunchOptions options = input.Request.NodeOptions ?? new NodeLaunchOptions(_paths);
            options.ModelPath = input.Request.ModelPath!;
            options.ApiPort = input.ApiPort;
            options.P2PPort = input.Request.P2PPort;
            options.PrivateKey = KeyResolver.ToSecure(key.EcKey.GetPrivateKey());
            foreach (KeyValuePair<string, string> pair in _chain.Profile.ToNodeEnvironment())
            {
                options.ChainEnvironment[pair.Key] = pair.Value;
            }

            return options;
        }

        private async Task VerifyPublicUrlAsync(
            RegistrationInput input,
            bool startedHere,
            CancellationToken cancellationToken)
        {
            FabstirEndpointResult result = await EndpointProbe.ProbeAsync(
                input.Url, input.Request.ProbeTimeout, _log, cancellationToken).ConfigureAwait(false);
            if (result.Reachable)
            {
                _log.Verbose($"{result.HealthUrl} answers: HTTP {result.StatusCode}, " +
                    $"status '{result.HealthStatus}'.");
                return;
            }

            if (input.Request.NoStart)
            {
                _log.Warning($"{result.HealthUrl} does not answer ({result.FailureMessage}); registering " +
                    "anyway because of -NoStart. Start the node before clients arrive.");
                return;
            }

            // Diagnosed while the node still runs: once it is stopped, its ports would be reported
            // as closed, which is the stop's doing and not the cause.
            // The caller stops a node this command started, after this diagnosis.
            throw PublicUrlCheck.Unreachable(result, input.ApiPort,
                input.Request.P2PPort, startedHere ? "The node this command started was stopped." : null, _log);
        }
    }
}
