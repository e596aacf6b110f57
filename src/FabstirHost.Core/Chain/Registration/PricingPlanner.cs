using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using Nethereum.Contracts;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// The pricing transactions that make every registered model cost the wanted native and USDC
    /// prices, in the pricing functions of the deployed NodeRegistry's generation.
    /// </summary>
    internal sealed class PricingPlanner
    {
        private readonly FabstirChain _chain;
        private readonly string _registry;
        private readonly string _host;
        private readonly string _usdc;

        public PricingPlanner(FabstirChain chain, string registry, string host, string usdc)
        {
            _chain = chain;
            _registry = registry;
            _host = host;
            _usdc = usdc;
        }

        /// <summary>
        /// Phase 18: one setModelTokenPricing per model and token whose price differs. A host that
        /// is not registered yet has no prices to read.
        /// </summary>
        public async Task<IReadOnlyList<PlannedStep>> Phase18Async(
            IReadOnlyList<ModelSpec> models,
            FabstirNodeRecord record,
            BigInteger native,
            BigInteger stable,
            CancellationToken cancellationToken)
        {
            var steps = new List<PlannedStep>();
            foreach (ModelSpec model in models)
            {
                bool supported = record.IsRegistered && record.ModelIds.Any(id =>
                    string.Equals(id, model.Id, System.StringComparison.OrdinalIgnoreCase));
                foreach (var (token, price, kind) in new[]
                {
                    (Addresses.Zero, native, "native"),
                    (_usdc, stable, "USDC"),
                })
                {
                    var read = new ModelTokenPricingFunction
                    {
                        Operator = _host, ModelId = model.IdBytes, Token = token,
                    };

                    BigInteger current = supported
                        ? await ReadAsync(read, cancellationToken).ConfigureAwait(false)
                        : BigInteger.Zero;
                    if (current == price)
                    {
                        continue;
                    }

                    string shown = token == Addresses.Zero
                        ? RegistrationPlanner.NativeText(price)
                        : RegistrationPlanner.StableText(price);
                    string was = current.IsZero ? string.Empty : $" (was {current})";
                    steps.Add(Step(
                        new SetModelTokenPricingFunction
                        {
                            ModelId = model.IdBytes, Token = token, Price = price,
                        },
                        $"{model}, {kind} token {token}, {shown}{was}",
                        75000));
                }
            }

            return steps;
        }

        /// <summary>
        /// Legacy: node-wide defaults (set by registerNode, changed by updatePricingNative/Stable),
        /// overridden per token (setTokenPricing) and per model (setModelPricing). Overrides that
        /// contradict the wanted prices are cleared or reset so every model costs the defaults.
        /// </summary>
        public async Task<IReadOnlyList<PlannedStep>> LegacyAsync(
            IReadOnlyList<ModelSpec> models,
            FabstirNodeRecord record,
            BigInteger native,
            BigInteger stable,
            CancellationToken cancellationToken)
        {
            var steps = new List<PlannedStep>();
            if (record.IsRegistered && record.MinPricePerTokenNative != native)
            {
                steps.Add(Step(
                    new UpdatePricingNativeFunction { NewMinPrice = native },
                    RegistrationPlanner.NativeText(native) + $" (was {record.MinPricePerTokenNative})",
                    45000));
            }

            if (record.IsRegistered && record.MinPricePerTokenStable != stable)
            {
                steps.Add(Step(
                    new UpdatePricingStableFunction { NewMinPrice = stable },
                    RegistrationPlanner.StableText(stable) + $" (was {record.MinPricePerTokenStable})",
                    45000));
            }

            var tokenRead = new CustomTokenPricingFunction { Operator = _host, Token = _usdc };
            BigInteger tokenPrice = await ReadAsync(tokenRead, cancellationToken).ConfigureAwait(false);
            if (!tokenPrice.IsZero && tokenPrice != stable)
            {
                steps.Add(Step(
                    new SetTokenPricingFunction { Token = _usdc, Price = stable },
                    $"USDC token {_usdc}, {RegistrationPlanner.StableText(stable)} (was {tokenPrice})",
                    50000));
            }

            foreach (ModelSpec model in models)
            {
                var nativeRead = new ModelPricingNativeFunction { Operator = _host, ModelId = model.IdBytes };
                var stableRead = new ModelPricingStableFunction { Operator = _host, ModelId = model.IdBytes };
                BigInteger overrideNative = await ReadAsync(nativeRead, cancellationToken)
                    .ConfigureAwait(false);
                BigInteger overrideStable = await ReadAsync(stableRead, cancellationToken)
                    .ConfigureAwait(false);
                bool contradicts = (!overrideNative.IsZero && overrideNative != native) ||
                    (!overrideStable.IsZero && overrideStable != stable);
                if (contradicts)
                {
                    steps.Add(Step(
                        new ClearModelPricingFunction { ModelId = model.IdBytes },
                        $"{model} (its override native {overrideNative}, stable {overrideStable}, " +
                        "gives way to the node's prices)",
                        45000));
                }
            }

            return steps;
        }

        private PlannedStep Step<TFunction>(TFunction function, string arguments, BigInteger gas)
            where TFunction : FunctionMessage, new()
        {
            return new PlannedStep<TFunction>(NodeRegistry.ContractName, _registry, function, arguments, gas);
        }

        private async Task<BigInteger> ReadAsync<TFunction>(
            TFunction function,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            var output = await _chain.CallAsync<TFunction, UintOutput>(
                NodeRegistry.ContractName, _registry, function, cancellationToken).ConfigureAwait(false);
            return output.Value;
        }
    }
}
