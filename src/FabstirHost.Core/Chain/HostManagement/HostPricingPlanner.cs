using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using Nethereum.Hex.HexConvertors.Extensions;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>A price to set: for which models (null = all the host's), which token, how much.</summary>
    public sealed class PricingRequest
    {
        /// <summary>repo:file specs or 0x model ids; null or empty = every model the host advertises.</summary>
        public IReadOnlyList<string>? Models { get; set; }

        /// <summary>Native (or ETH), USDC, or a token address.</summary>
        public string Token { get; set; } = "Native";

        /// <summary>Per million tokens, in the token's price unit (gwei for native).</summary>
        public decimal? Price { get; set; }

        /// <summary>The contract's raw value; wins over <see cref="Price"/>.</summary>
        public BigInteger? RawPrice { get; set; }
    }

    /// <summary>
    /// Plans price changes in whichever pricing generation the registry runs. Phase 18: one
    /// setModelTokenPricing per model and token. Legacy: without models, the node-wide price
    /// (updatePricingNative, updatePricingStable, setTokenPricing); with models, setModelPricing
    /// overrides (native and USDC only). Only prices that differ are sent.
    /// </summary>
    public static class HostPricingPlanner
    {
        public static async Task<HostTransactionPlan> PlanSetAsync(
            HostContext host,
            PricingRequest request,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            host.RequireActive(record);
            PricingGeneration generation = await host.GenerationAsync(cancellationToken)
                .ConfigureAwait(false);
            PriceBounds bounds = await host.Registry.GetPriceBoundsAsync(cancellationToken)
                .ConfigureAwait(false);
            PaymentToken token = await PaymentToken.ResolveAsync(host.Chain, request.Token, cancellationToken)
                .ConfigureAwait(false);
            BigInteger raw = request.RawPrice ??
                TokenPrice.ToRaw(request.Price ?? 0m, token, bounds.Precision);
            bounds.Check(token.Kind, raw);
            bool allModels = request.Models == null || request.Models.Count == 0;
            IReadOnlyList<string> ids = SupportedIds(host, record, request.Models);
            string price = TokenPrice.Describe(raw, token, bounds.Precision);

            var plan = new HostTransactionPlan("Set pricing", host.Address);
            if (generation == PricingGeneration.Phase18)
            {
                foreach (string id in ids)
                {
                    BigInteger current = await TokenPriceOfAsync(host, id, token, cancellationToken)
                        .ConfigureAwait(false);
                    if (current != raw)
                    {
                        string model = await NameAsync(host, id, cancellationToken).ConfigureAwait(false);
                        plan.Add(host.RegistryStep(new SetModelTokenPricingFunction
                        {
                            ModelId = id.HexToByteArray(), Token = token.Address, Price = raw,
                        }, $"setModelTokenPricing({model}, {token.Symbol}, {price})"));
                    }
                }
            }
            else if (allModels)
            {
                await PlanLegacyNodeWideAsync(host, record, plan, token, raw, price, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                await PlanLegacyOverridesAsync(host, plan, ids, token, raw, price, cancellationToken)
                    .ConfigureAwait(false);
            }

            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>
        /// Plans clearing prices. Phase 18: clearModelTokenPricing per model and token, after which
        /// the model cannot be sold in that token. Legacy: clearModelPricing per model, which drops
        /// both overrides so the node-wide prices apply again.
        /// </summary>
        public static async Task<HostTransactionPlan> PlanClearAsync(
            HostContext host,
            IReadOnlyList<string>? models,
            IReadOnlyList<string> tokens,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            PricingGeneration generation = await host.GenerationAsync(cancellationToken)
                .ConfigureAwait(false);
            IReadOnlyList<string> ids = SupportedIds(host, record, models);
            var plan = new HostTransactionPlan("Clear pricing", host.Address);
            if (generation == PricingGeneration.Phase18)
            {
                foreach (string text in tokens)
                {
                    PaymentToken token = await PaymentToken.ResolveAsync(host.Chain, text, cancellationToken)
                        .ConfigureAwait(false);
                    await PlanPhase18ClearAsync(host, plan, ids, token, cancellationToken)
                        .ConfigureAwait(false);
                }

                if (!plan.IsEmpty)
                {
                    string warning = "In the phase 18 generation a model without a price in a token " +
                        "cannot be sold in that token: clients are not offered it until a price is " +
                        "set again.";
                    plan.Note(warning);
                    log.Warning(warning);
                }
            }
            else
            {
                foreach (string id in ids)
                {
                    if (await LegacyOverrideAsync<ModelPricingNativeFunction>(host, id, cancellationToken)
                            .ConfigureAwait(false) != 0 ||
                        await LegacyOverrideAsync<ModelPricingStableFunction>(host, id, cancellationToken)
                            .ConfigureAwait(false) != 0)
                    {
                        var clear = new ClearModelPricingFunction { ModelId = id.HexToByteArray() };
                        string model = await NameAsync(host, id, cancellationToken).ConfigureAwait(false);
                        plan.Add(host.RegistryStep(clear, $"clearModelPricing({model})"));
                    }
                }

                if (!plan.IsEmpty)
                {
                    plan.Note("The legacy registry clears a model's native and stable overrides together; " +
                        "the model falls back to the node-wide prices.");
                }
            }

            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>
        /// The ids of the requested models (all the host's when none), each required to be one the
        /// host advertises: the registry refuses prices for other models.
        /// </summary>
        internal static IReadOnlyList<string> SupportedIds(
            HostContext host,
            FabstirNodeRecord record,
            IReadOnlyList<string>? models)
        {
            if (models == null || models.Count == 0)
            {
                return record.ModelIds;
            }

            var ids = new List<string>();
            foreach (string text in models)
            {
                string id = ModelId(text);
                if (!record.ModelIds.Any(m => SameAddress(m, id)))
                {
                    throw new FabstirException(
                        HostManagementErrors.ModelNotSupported,
                        FabstirErrorCategory.InvalidArgument,
                        $"{host.Address} does not advertise the model '{text}' ({id}), so the registry " +
                        "refuses prices for it. Nothing was sent; add it first with Set-FabstirHost -Model.",
                        text);
                }

                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }

            return ids;
        }

        internal static string ModelId(string text)
        {
            return text.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase) && text.Length == 66
                ? text.ToLowerInvariant()
                : ModelSpec.Parse(text).Id;
        }

        internal static string Short(string id) => id.Substring(0, 10) + "…";

        /// <summary>
        /// The model as a plan names it: repo:file when the ModelRegistry knows the id, else the
        /// id's first bytes. Asked only for a step that is planned.
        /// </summary>
        private static async Task<string> NameAsync(
            HostContext host,
            string id,
            CancellationToken cancellationToken)
        {
            FabstirModel? model = await host.Models.GetModelAsync(id, cancellationToken).ConfigureAwait(false);
            return model?.Spec ?? Short(id);
        }

        private static bool SameAddress(string a, string b) =>
            string.Equals(a, b, System.StringComparison.OrdinalIgnoreCase);

        private static async Task PlanPhase18ClearAsync(
            HostContext host,
            HostTransactionPlan plan,
            IReadOnlyList<string> ids,
            PaymentToken token,
            CancellationToken cancellationToken)
        {
            foreach (string id in ids)
            {
                if (await TokenPriceOfAsync(host, id, token, cancellationToken).ConfigureAwait(false) != 0)
                {
                    string model = await NameAsync(host, id, cancellationToken).ConfigureAwait(false);
                    plan.Add(host.RegistryStep(new ClearModelTokenPricingFunction
                    {
                        ModelId = id.HexToByteArray(), Token = token.Address,
                    }, $"clearModelTokenPricing({model}, {token.Symbol})"));
                }
            }
        }

        private static async Task PlanLegacyNodeWideAsync(
            HostContext host,
            FabstirNodeRecord record,
            HostTransactionPlan plan,
            PaymentToken token,
            BigInteger raw,
            string price,
            CancellationToken cancellationToken)
        {
            if (token.IsNative)
            {
                if (record.MinPricePerTokenNative != raw)
                {
                    plan.Add(host.RegistryStep(new UpdatePricingNativeFunction { NewMinPrice = raw },
                        $"updatePricingNative({price})"));
                }

                return;
            }

            if (SameAddress(token.Address, host.Chain.Profile.UsdcToken))
            {
                if (record.MinPricePerTokenStable != raw)
                {
                    plan.Add(host.RegistryStep(new UpdatePricingStableFunction { NewMinPrice = raw },
                        $"updatePricingStable({price})"));
                }

                return;
            }

            var current = await host.Chain.CallAsync<CustomTokenPricingFunction, UintOutput>(
                NodeRegistry.ContractName,
                host.Registry.Address,
                new CustomTokenPricingFunction { Operator = host.Address, Token = token.Address },
                cancellationToken).ConfigureAwait(false);
            if (current.Value != raw)
            {
                plan.Add(host.RegistryStep(new SetTokenPricingFunction { Token = token.Address, Price = raw },
                    $"setTokenPricing({token.Symbol}, {price})"));
            }
        }

        private static async Task PlanLegacyOverridesAsync(
            HostContext host,
            HostTransactionPlan plan,
            IReadOnlyList<string> ids,
            PaymentToken token,
            BigInteger raw,
            string price,
            CancellationToken cancellationToken)
        {
            bool usdc = string.Equals(
                token.Address, host.Chain.Profile.UsdcToken, System.StringComparison.OrdinalIgnoreCase);
            if (!token.IsNative && !usdc)
            {
                throw new FabstirException(
                    HostManagementErrors.PricingNotSupported,
                    FabstirErrorCategory.InvalidOperation,
                    $"The legacy NodeRegistry at {host.Registry.Address} has per-model prices only in the " +
                    $"native coin and the stablecoin, not in {token}. Nothing was sent; set a node-wide " +
                    "price for that token by leaving out -Model.",
                    token.Address);
            }

            foreach (string id in ids)
            {
                BigInteger native =
                    await LegacyOverrideAsync<ModelPricingNativeFunction>(host, id, cancellationToken)
                    .ConfigureAwait(false);
                BigInteger stable =
                    await LegacyOverrideAsync<ModelPricingStableFunction>(host, id, cancellationToken)
                    .ConfigureAwait(false);
                BigInteger newNative = token.IsNative ? raw : native;
                BigInteger newStable = token.IsNative ? stable : raw;
                if (newNative != native || newStable != stable)
                {
                    string model = await NameAsync(host, id, cancellationToken).ConfigureAwait(false);
                    plan.Add(host.RegistryStep(new SetModelPricingFunction
                    {
                        ModelId = id.HexToByteArray(), NativePrice = newNative, StablePrice = newStable,
                    }, $"setModelPricing({model}, native {newNative}, stable {newStable}) for {price}"));
                }
            }
        }

        private static async Task<BigInteger> TokenPriceOfAsync(
            HostContext host,
            string id,
            PaymentToken token,
            CancellationToken cancellationToken)
        {
            var output = await host.Chain.CallAsync<ModelTokenPricingFunction, UintOutput>(
                NodeRegistry.ContractName,
                host.Registry.Address,
                new ModelTokenPricingFunction
                {
                    Operator = host.Address, ModelId = id.HexToByteArray(), Token = token.Address,
                },
                cancellationToken).ConfigureAwait(false);
            return output.Value;
        }

        private static async Task<BigInteger> LegacyOverrideAsync<TFunction>(
            HostContext host,
            string id,
            CancellationToken cancellationToken)
            where TFunction : Nethereum.Contracts.FunctionMessage, new()
        {
            var function = new TFunction();
            switch (function)
            {
                case ModelPricingNativeFunction native:
                    native.Operator = host.Address;
                    native.ModelId = id.HexToByteArray();
                    break;
                case ModelPricingStableFunction stable:
                    stable.Operator = host.Address;
                    stable.ModelId = id.HexToByteArray();
                    break;
            }

            var output = await host.Chain.CallAsync<TFunction, UintOutput>(
                NodeRegistry.ContractName, host.Registry.Address, function, cancellationToken)
                    .ConfigureAwait(false);
            return output.Value;
        }
    }
}
