using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// Reads what the chain holds for the host and works out the transactions that bring it to the
    /// wanted registration: every precondition the contracts would revert on is checked here, and
    /// reported as a clear error, before anything is signed.
    /// </summary>
    internal sealed class RegistrationPlanner
    {
        private const int StorageSlotGas = 22100;

        private readonly FabstirChain _chain;
        private readonly NodeRegistry _registry;
        private readonly ModelRegistry _models;
        private readonly IOperationLog _log;

        public RegistrationPlanner(FabstirChain chain, IOperationLog log)
        {
            _chain = chain;
            _registry = new NodeRegistry(chain);
            _models = new ModelRegistry(chain);
            _log = log;
        }

        private ChainProfile Profile => _chain.Profile;

        public async Task<RegistrationPlan> PlanAsync(
            RegistrationInput input,
            string host,
            string publicKey,
            CancellationToken cancellationToken)
        {
            await _chain.ConnectAsync(cancellationToken).ConfigureAwait(false);
            BigInteger nonce = await _chain.RequireNothingPendingAsync(host, cancellationToken)
                .ConfigureAwait(false);
            PricingGeneration generation = await _registry.ProbeGenerationAsync(cancellationToken)
                .ConfigureAwait(false);
            FabstirNodeRecord record = await _registry.GetNodeAsync(host, cancellationToken)
                .ConfigureAwait(false);
            _log.Verbose(record.IsRegistered
                ? $"{host} is registered at {record.ApiUrl} with {record.ModelIds.Count} model(s), stake " +
                    $"{record.Stake} FAB."
                : $"{host} is not registered on NodeRegistry {_registry.Address}.");
            await EnsureApprovedAsync(input.Models, cancellationToken).ConfigureAwait(false);

            PriceBounds bounds = await _registry.GetPriceBoundsAsync(cancellationToken)
                .ConfigureAwait(false);
            BigInteger native = ResolvePrice(input.Request.NativePrice, PriceKind.Native, bounds);
            BigInteger stable = ResolvePrice(input.Request.StablePrice, PriceKind.Stable, bounds);
            _log.Verbose(
                $"Prices within the registry's bounds: native {NativeText(native, bounds.Precision)} " +
                $"(raw {bounds.MinNative} to {bounds.MaxNative}), " +
                $"stable {StableText(stable, bounds.Precision)} (raw {bounds.MinStable} to {bounds.MaxStable}).");
            if (record.IsRegistered && !record.Active)
            {
                throw new FabstirException(
                    RegistrationErrors.HostNotActive,
                    FabstirErrorCategory.InvalidOperation,
                    $"{host} is registered but not active on NodeRegistry {_registry.Address}: its prices " +
                    "cannot be set. Nothing was sent.",
                    host);
            }

            // What is on chain is kept, except what looks secret: an old tool may have published one.
            string? onChain = record.IsRegistered
                ? HostManagement.HostMetadataMerge.WithoutSecrets(record.Metadata, _log)
                : null;
            string metadata = HostMetadata.ToJson(HostMetadata.Build(
                onChain,
                HostMetadata.MachineFacts(),
                input.Request.Metadata,
                publicKey));
            var steps = new List<PlannedStep>();
            BigInteger stake = record.StakedAmount;
            if (record.IsRegistered)
            {
                PlanUpdates(steps, input, record, metadata);
            }
            else
            {
                var prices = (native, stable);
                stake = await PlanRegistrationAsync(steps, input, host, metadata, prices, cancellationToken)
                    .ConfigureAwait(false);
            }

            await PlanPricesAsync(steps, generation, input, host, record, native, stable, cancellationToken)
                .ConfigureAwait(false);
            BigInteger ethBalance = await PlanGasAsync(steps, host, input.Request, cancellationToken)
                .ConfigureAwait(false);
            return new RegistrationPlan(
                input, host, generation, record, stake, native, stable, bounds, metadata, steps, ethBalance)
            {
                FirstNonce = nonce,
            };
        }

        private async Task EnsureApprovedAsync(
            IReadOnlyList<ModelSpec> models,
            CancellationToken cancellationToken)
        {
            var refused = new List<ModelSpec>();
            foreach (ModelSpec model in models)
            {
                if (!await _models.IsApprovedAsync(model, cancellationToken).ConfigureAwait(false))
                {
                    refused.Add(model);
                }
            }

            if (refused.Count == 0)
            {
                _log.Verbose($"Approved in ModelRegistry {_models.Address}: {ModelList(models)}.");
                return;
            }

            IReadOnlyList<FabstirModel> all = await _models.GetAllModelsAsync(cancellationToken)
                .ConfigureAwait(false);
            var approved = all.Where(m => m.Approved).Select(m => "'" + m.Spec + "'").ToList();
            throw new FabstirException(
                RegistrationErrors.ModelNotApproved,
                FabstirErrorCategory.InvalidArgument,
                $"The ModelRegistry {_models.Address} has not approved " +
                string.Join(", ", refused.Select(m => $"'{m}' (id {m.Id})")) + ". Nothing was sent. " +
                (approved.Count == 0
                    ? "It approves no model at all."
                    : "Approved models: " + string.Join(", ", approved) + "."),
                refused[0].ToString());
        }

        private BigInteger ResolvePrice(PriceSetting? given, PriceKind kind, PriceBounds bounds)
        {
            PriceSetting price = given ?? (kind == PriceKind.Stable
                ? PriceSetting.FromHuman(
                    RegistrationRequest.DefaultUsdcPerMillionTokens, PriceUnit.UsdcPerMillionTokens)
                : PriceSetting.FromHuman(
                    RegistrationRequest.DefaultGweiPerMillionTokens, PriceUnit.GweiPerMillionTokens));
            BigInteger raw = price.ToRaw(bounds.Precision);
            bounds.Check(kind, raw);
            return raw;
        }

        private async Task<BigInteger> PlanRegistrationAsync(
            List<PlannedStep> steps,
            RegistrationInput input,
            string host,
            string metadata,
            (BigInteger Native, BigInteger Stable) prices,
            CancellationToken cancellationToken)
        {
            BigInteger minimum = await _registry.GetMinimumStakeAsync(cancellationToken)
                .ConfigureAwait(false);
            BigInteger balance = await FabstirWallet.TokenBalanceAsync(
                _chain, "FAB token", Profile.FabToken, host, cancellationToken).ConfigureAwait(false);
            if (balance < minimum)
            {
                throw new FabstirException(
                    RegistrationErrors.InsufficientStake,
                    FabstirErrorCategory.LimitsExceeded,
                    $"{host} holds {Fab(balance)} FAB, but registering stakes {Fab(minimum)} FAB " +
                    $"(MIN_STAKE, raw {minimum}); {Fab(minimum - balance)} FAB short. Nothing was sent. " +
                    $"Fund the address with FAB (token {Profile.FabToken}).",
                    host);
            }

            _log.Verbose($"{host} holds {Fab(balance)} FAB: enough for the stake of {Fab(minimum)} FAB.");
            var allowanceCall = new AllowanceFunction { Owner = host, Spender = _registry.Address };
            var allowance = await _chain.CallAsync<AllowanceFunction, UintOutput>(
                "FAB token", Profile.FabToken, allowanceCall, cancellationToken).ConfigureAwait(false);
            if (allowance.Value < minimum)
            {
                steps.Add(new PlannedStep<ApproveFunction>(
                    "FAB token",
                    Profile.FabToken,
                    new ApproveFunction { Spender = _registry.Address, Amount = minimum },
                    $"spender {_registry.Address}, {Fab(minimum)} FAB (raw {minimum})",
                    60000));
            }
            else
            {
                _log.Verbose($"The FAB allowance of NodeRegistry is {Fab(allowance.Value)} FAB: " +
                    "no approval needed.");
            }

            var register = new RegisterNodeFunction
            {
                Metadata = metadata,
                ApiUrl = input.UrlText,
                ModelIds = input.Models.Select(m => m.IdBytes).ToList(),
                MinPricePerTokenNative = prices.Native,
                MinPricePerTokenStable = prices.Stable,
            };

            steps.Add(new PlannedStep<RegisterNodeFunction>(
                NodeRegistry.ContractName,
                _registry.Address,
                register,
                $"metadata {metadata}, apiUrl {input.UrlText}, models [{ModelList(input.Models)}], " +
                $"native {NativeText(prices.Native)}, stable {StableText(prices.Stable)}",
                250000 + SlotsGas(metadata) + SlotsGas(input.UrlText) + (70000 * input.Models.Count))
            {
                DependsOnEarlier = steps.Count > 0,
            });

            return minimum;
        }

        private void PlanUpdates(
            List<PlannedStep> steps,
            RegistrationInput input,
            FabstirNodeRecord record,
            string metadata)
        {
            string address = _registry.Address;
            if (record.ApiUrl != input.UrlText)
            {
                steps.Add(new PlannedStep<UpdateApiUrlFunction>(
                    NodeRegistry.ContractName,
                    address,
                    new UpdateApiUrlFunction { NewApiUrl = input.UrlText },
                    $"{input.UrlText} (was {record.ApiUrl})",
                    40000 + SlotsGas(input.UrlText)));
            }

            if (!HostMetadata.SameAs(record.Metadata, JObject.Parse(metadata)))
            {
                steps.Add(new PlannedStep<UpdateMetadataFunction>(
                    NodeRegistry.ContractName,
                    address,
                    new UpdateMetadataFunction { NewMetadata = metadata },
                    metadata,
                    40000 + SlotsGas(metadata)));
            }

            var wanted = new HashSet<string>(
                input.Models.Select(m => m.Id), StringComparer.OrdinalIgnoreCase);
            if (!wanted.SetEquals(record.ModelIds) || record.ModelIds.Count != wanted.Count)
            {
                var ids = input.Models.Select(m => m.IdBytes).ToList();
                steps.Add(new PlannedStep<UpdateSupportedModelsFunction>(
                    NodeRegistry.ContractName,
                    address,
                    new UpdateSupportedModelsFunction { NewModelIds = ids },
                    $"[{ModelList(input.Models)}] (was {record.ModelIds.Count} model(s))",
                    60000 + (60000 * (record.ModelIds.Count + input.Models.Count))));
            }
        }

        private async Task PlanPricesAsync(
            List<PlannedStep> steps,
            PricingGeneration generation,
            RegistrationInput input,
            string host,
            FabstirNodeRecord record,
            BigInteger native,
            BigInteger stable,
            CancellationToken cancellationToken)
        {
            // Prices depend on the host being registered and the models being supported.
            bool dependent = steps.Any(s =>
                s.Function == "registerNode" || s.Function == "updateSupportedModels");
            var pricing = new PricingPlanner(_chain, _registry.Address, host, Profile.UsdcToken);
            IEnumerable<PlannedStep> priceSteps = generation == PricingGeneration.Phase18
                ? await pricing.Phase18Async(input.Models, record, native, stable, cancellationToken)
                    .ConfigureAwait(false)
                : await pricing.LegacyAsync(input.Models, record, native, stable, cancellationToken)
                    .ConfigureAwait(false);
            foreach (PlannedStep step in priceSteps)
            {
                step.DependsOnEarlier = dependent || !record.IsRegistered;
                steps.Add(step);
            }
        }

        /// <summary>
        /// Fees and gas for every step, and the ETH check for the whole plan. Returns the balance.
        /// </summary>
        private async Task<BigInteger> PlanGasAsync(
            List<PlannedStep> steps,
            string host,
            RegistrationRequest request,
            CancellationToken cancellationToken)
        {
            BigInteger balance = await _chain.GetEthBalanceAsync(host, cancellationToken)
                .ConfigureAwait(false);
            if (steps.Count == 0)
            {
                return balance;
            }

            TransactionFees fees = await _chain.GetFeesAsync(cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < steps.Count; i++)
            {
                await steps[i]
                    .PlanAsync(_chain, host, fees, i + 1, request.Transactions, cancellationToken)
                    .ConfigureAwait(false);
            }

            BigInteger need = steps.Aggregate(BigInteger.Zero, (sum, s) => sum + s.Plan.MaxCostWei);
            if (balance < need)
            {
                throw new FabstirException(
                    ChainErrors.InsufficientGasFunds,
                    FabstirErrorCategory.LimitsExceeded,
                    $"{host} holds {Eth(balance)} ETH, but the {steps.Count} transaction(s) of this " +
                    $"registration may cost up to {Eth(need)} ETH in gas (at " +
                    $"{FabstirChain.FormatGwei(fees.MaxFeePerGas)} per gas); {Eth(need - balance)} ETH " +
                    "short. Nothing was sent; fund the address with ETH for gas.",
                    host);
            }

            _log.Verbose($"{host} holds {Eth(balance)} ETH: enough for at most {Eth(need)} ETH of gas.");
            return balance;
        }

        internal static string NativeText(BigInteger raw, BigInteger? precision = null)
        {
            decimal human = PriceUnits.FromRaw(raw, PriceUnit.GweiPerMillionTokens, precision);
            return $"{raw} ({human} gwei per million tokens)";
        }

        internal static string StableText(BigInteger raw, BigInteger? precision = null)
        {
            decimal human = PriceUnits.FromRaw(raw, PriceUnit.UsdcPerMillionTokens, precision);
            return $"{raw} ({human} USDC per million tokens)";
        }

        internal static string ModelList(IEnumerable<ModelSpec> models)
        {
            return string.Join(", ", models.Select(m => m.ToString()));
        }

        private static BigInteger SlotsGas(string text)
        {
            int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
            return StorageSlotGas * ((bytes / 32) + 1);
        }

        private static string Fab(BigInteger raw)
        {
            return TokenAmount.ToDecimal(raw, TokenAmount.FabDecimals).ToString(CultureInfo.InvariantCulture);
        }

        private static string Eth(BigInteger wei)
        {
            return TokenAmount.ToDecimal(wei, TokenAmount.EthDecimals).ToString(CultureInfo.InvariantCulture);
        }
    }
}
