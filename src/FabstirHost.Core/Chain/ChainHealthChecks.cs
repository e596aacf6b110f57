using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Network;
using Nethereum.Hex.HexTypes;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// The chain checks of <c>Get-FabstirDiagnostics</c> for one host address on one chain profile:
    /// RPC reachable, chain id, contract code, registered, on-chain URL, model registered, prices
    /// set, ETH for gas. Each check reads only; when one fails, the checks that depend on it are
    /// reported as Skip with the reason. Also the chain's SHA-256 for the model file the node loads.
    /// </summary>
    public sealed partial class ChainHealthChecks : IChainDiagnostics, IModelHashSource
    {
        /// <summary>An RPC slower than this still works, but makes every command sluggish.</summary>
        public static readonly TimeSpan SlowRpc = TimeSpan.FromSeconds(2);

        /// <summary>"A few transactions": what a URL, model and pricing update take together.</summary>
        public const int TransactionsToAfford = 5;

        /// <summary>Gas of one typical host transaction (registerNode with a few models is ~300k).</summary>
        public const int GasPerTransaction = 150_000;

        private const string Area = DiagnosticArea.Chain;

        private readonly FabstirChain _chain;
        private readonly LoadedModelFinder _models;

        /// <param name="chain">The chain profile's connection; its RPC timeout bounds every check.</param>
        /// <param name="hostAddress">The host's address (0x and 40 hex digits).</param>
        /// <param name="configuredModels">The config's models as repo:file, looked at first when
        /// finding the model file's record.</param>
        public ChainHealthChecks(
            FabstirChain chain,
            string hostAddress,
            IEnumerable<string>? configuredModels = null)
        {
            _chain = chain;
            HostAddress = Addresses.Validate(hostAddress, "The host address");
            _models = new LoadedModelFinder(chain, configuredModels);
        }

        public string HostAddress { get; }

        private ChainProfile Profile => _chain.Profile;

        public async Task<IReadOnlyList<FabstirDiagnostic>> CheckAsync(
            ChainDiagnosticsContext context,
            CancellationToken cancellationToken)
        {
            var results = new List<FabstirDiagnostic>();
            try
            {
                await RunChecksAsync(context, results, cancellationToken).ConfigureAwait(false);
                return results;
            }
            catch (FabstirException ex)
            {
                // The RPC went away or a contract refused a read half-way: the check under way fails
                // with that reason, and the ones after it cannot be judged.
                string current = SkippedChainChecks.Names[results.Count];
                results.Add(Fail(Area, current, ex.Message, ex.RecommendedAction));
                return SkipTheRest(results, $"the chain could not be read ({ex.ErrorId})");
            }
        }

        private async Task<IReadOnlyList<FabstirDiagnostic>> RunChecksAsync(
            ChainDiagnosticsContext context,
            List<FabstirDiagnostic> results,
            CancellationToken cancellationToken)
        {
            FabstirDiagnostic Add(FabstirDiagnostic check)
            {
                results.Add(check);
                return check;
            }

            if (Add(await RpcReachableAsync(cancellationToken).ConfigureAwait(false)).Status ==
                DiagnosticStatus.Fail)
            {
                return SkipTheRest(results, $"the RPC at {Profile.DisplayRpcUrl} could not be reached");
            }

            if (Add(await ChainIdAsync(cancellationToken).ConfigureAwait(false)).Status ==
                DiagnosticStatus.Fail)
            {
                return SkipTheRest(results, "the RPC serves another chain");
            }

            var code = await ContractCodeAsync(cancellationToken).ConfigureAwait(false);
            Add(code.Check);
            await AddHostChecksAsync(context, code.Missing, check => Add(check), cancellationToken)
                .ConfigureAwait(false);
            Add(await EthForGasAsync(cancellationToken).ConfigureAwait(false));
            return results;
        }

        /// <summary>
        /// The SHA-256 the ModelRegistry holds for the model with this file's name; null when the
        /// registry knows no such model. Chain failures propagate as FabstirException.
        /// </summary>
        public async Task<string?> ExpectedSha256Async(string modelPath, CancellationToken cancellationToken)
        {
            FabstirModel? model = await _models.FindAsync(modelPath, cancellationToken).ConfigureAwait(false);
            return model?.Sha256;
        }

        private async Task<FabstirDiagnostic> RpcReachableAsync(CancellationToken cancellationToken)
        {
            const string name = "RPC reachable";
            var stopwatch = Stopwatch.StartNew();
            long block;
            try
            {
                block = await _chain.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FabstirException ex)
            {
                return Fail(Area, name, ex.Message,
                    $"Set-FabstirHostConfig -RpcUrl '<RPC URL of chain {Profile.ChainId}>'");
            }

            stopwatch.Stop();
            string detail = $"{Profile.DisplayRpcUrl} answered in {stopwatch.ElapsedMilliseconds} ms " +
                $"(block {block})";
            if (stopwatch.Elapsed > SlowRpc)
            {
                return Warn(Area, name, detail + ": slow, every command will wait on it",
                    $"Set-FabstirHostConfig -RpcUrl '<faster RPC URL of chain {Profile.ChainId}>'");
            }

            return Pass(Area, name, detail);
        }

        private async Task<FabstirDiagnostic> ChainIdAsync(CancellationToken cancellationToken)
        {
            const string name = "Chain id";
            string hex = await _chain.RequestAsync<string>("eth_chainId", cancellationToken)
                .ConfigureAwait(false);
            long served = (long)new HexBigInteger(hex).Value;
            if (served != Profile.ChainId)
            {
                return Fail(Area, name,
                    $"the RPC at {Profile.DisplayRpcUrl} serves chain {served}, but the {Profile.Name} " +
                    $"profile is chain {Profile.ChainId}: nothing can be read or sent",
                    $"Set-FabstirHostConfig -RpcUrl '<RPC URL of chain {Profile.ChainId}>'");
            }

            return Pass(Area, name, $"chain {served} ({Profile.Name})");
        }

        /// <summary>The contracts the host flows call, each with its Set-FabstirHostConfig parameter.</summary>
        private IEnumerable<(string Name, string Address, string Parameter)> HostContracts()
        {
            yield return (NodeRegistry.ContractName, Profile.NodeRegistry, "NodeRegistryAddress");
            yield return (ModelRegistry.ContractName, Profile.ModelRegistry, "ModelRegistryAddress");
            yield return ("HostEarnings", Profile.HostEarnings, "HostEarningsAddress");
            yield return ("FAB token", Profile.FabToken, "FabTokenAddress");
            yield return ("USDC token", Profile.UsdcToken, "UsdcTokenAddress");
        }

        private async Task<(FabstirDiagnostic Check, ISet<string> Missing)> ContractCodeAsync(
            CancellationToken cancellationToken)
        {
            const string name = "Contract code";
            var missing = new List<(string Name, string Address, string Parameter)>();
            foreach (var contract in HostContracts())
            {
                string code = await _chain.RequestAsync<string>(
                    "eth_getCode", cancellationToken, contract.Address, "latest").ConfigureAwait(false);
                if (string.IsNullOrEmpty(code) || code == "0x")
                {
                    missing.Add(contract);
                }
            }

            var names = new HashSet<string>(missing.Select(c => c.Name));
            if (missing.Count == 0)
            {
                string all = string.Join(", ", HostContracts().Select(c => c.Name));
                return (Pass(Area, name, $"{all} are deployed at the profile's addresses"), names);
            }

            string detail = "no contract at " +
                string.Join(", ", missing.Select(c => $"the {c.Name} address {c.Address}")) +
                $" on chain {Profile.ChainId}: a wrong address, or the profile of another chain";
            string remedy = string.Join("; ", missing.Select(c =>
                $"Set-FabstirHostConfig -{c.Parameter} '<{c.Name} address on chain {Profile.ChainId}>'"));
            return (Fail(Area, name, detail, remedy), names);
        }

        private async Task<FabstirDiagnostic> EthForGasAsync(CancellationToken cancellationToken)
        {
            const string name = "ETH for gas";
            BigInteger balance = await _chain.GetEthBalanceAsync(HostAddress, cancellationToken)
                .ConfigureAwait(false);
            var (maxFee, _) = await _chain.SuggestFeesAsync(cancellationToken).ConfigureAwait(false);
            BigInteger perTransaction = maxFee * GasPerTransaction;
            BigInteger needed = perTransaction * TransactionsToAfford;
            string held = $"{HostAddress} holds {Eth(balance)} ETH";
            string fees = string.Format(
                CultureInfo.InvariantCulture,
                "{0:N0} gas each at {1}",
                GasPerTransaction,
                FabstirChain.FormatGwei(maxFee));
            if (balance < needed)
            {
                return Fail(Area, name,
                    $"{held}, less than the {Eth(needed)} ETH that {TransactionsToAfford} host " +
                    $"transactions may cost ({fees}): registration and updates would be refused",
                    $"Send at least {Eth(needed - balance)} ETH to {HostAddress} on chain {Profile.ChainId}");
            }

            string covers = perTransaction.IsZero
                ? "gas is free at current fees"
                : $"enough for about {balance / perTransaction} transactions ({fees})";
            return Pass(Area, name, $"{held}: {covers}");
        }

        private static string Eth(BigInteger wei)
        {
            decimal eth = TokenAmount.ToDecimal(wei, TokenAmount.EthDecimals);
            return eth.ToString("0.##########", CultureInfo.InvariantCulture);
        }

        /// <summary>Reports every check not yet in <paramref name="results"/> as Skip.</summary>
        private static IReadOnlyList<FabstirDiagnostic> SkipTheRest(
            List<FabstirDiagnostic> results,
            string reason)
        {
            foreach (string name in SkippedChainChecks.Names.Skip(results.Count))
            {
                results.Add(Skip(Area, name, reason));
            }

            return results;
        }
    }
}
