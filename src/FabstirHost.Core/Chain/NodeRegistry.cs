using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace FabstirHost.Core.Chain
{
    /// <summary>Which set of pricing functions the deployed NodeRegistry implementation has.</summary>
    public enum PricingGeneration
    {
        /// <summary>updatePricingNative/Stable, setModelPricing, setTokenPricing.</summary>
        Legacy,

        /// <summary>setModelTokenPricing per model and token.</summary>
        Phase18,
    }

    /// <summary>Reads of the NodeRegistry at the profile's address.</summary>
    public sealed class NodeRegistry
    {
        public const string ContractName = "NodeRegistry";

        private readonly FabstirChain _chain;

        public NodeRegistry(FabstirChain chain, string? address = null)
        {
            _chain = chain;
            Address = address ?? chain.Profile.NodeRegistry;
        }

        public string Address { get; }

        /// <summary>
        /// Tells the generations apart by calling <c>modelTokenPricing(address,bytes32,address)</c>
        /// (selector 0x80130471): it answers on phase 18 and reverts with empty data on legacy.
        /// </summary>
        public async Task<PricingGeneration> ProbeGenerationAsync(CancellationToken cancellationToken)
        {
            await _chain.EnsureContractAsync(ContractName, Address, cancellationToken).ConfigureAwait(false);
            var probe = new ModelTokenPricingFunction { Operator = Addresses.Zero, Token = Addresses.Zero };
            PricingGeneration generation;
            try
            {
                string output = await _chain.CallRawAsync(ContractName, Address, probe, cancellationToken)
                    .ConfigureAwait(false);
                generation = output.Length > 2 ? PricingGeneration.Phase18 : PricingGeneration.Legacy;
            }
            catch (ContractRevertedException ex) when (ex.Reason == null)
            {
                generation = PricingGeneration.Legacy;
            }

            _chain.Log.Verbose($"NodeRegistry {Address} uses the {generation} pricing functions.");
            return generation;
        }

        public async Task<PriceBounds> GetPriceBoundsAsync(CancellationToken cancellationToken)
        {
            return new PriceBounds(
                await ReadUintAsync(new MinPriceNativeFunction(), cancellationToken).ConfigureAwait(false),
                await ReadUintAsync(new MaxPriceNativeFunction(), cancellationToken).ConfigureAwait(false),
                await ReadUintAsync(new MinPriceStableFunction(), cancellationToken).ConfigureAwait(false),
                await ReadUintAsync(new MaxPriceStableFunction(), cancellationToken).ConfigureAwait(false),
                await ReadUintAsync(new PricePrecisionFunction(), cancellationToken).ConfigureAwait(false));
        }

        public Task<BigInteger> GetMinimumStakeAsync(CancellationToken cancellationToken)
        {
            return ReadUintAsync(new MinStakeFunction(), cancellationToken);
        }

        /// <summary>
        /// The host's record; <see cref="FabstirNodeRecord.IsRegistered"/> is false for operator 0.
        /// </summary>
        public async Task<FabstirNodeRecord> GetNodeAsync(string host, CancellationToken cancellationToken)
        {
            var info = await _chain.CallAsync<GetNodeFullInfoFunction, NodeFullInfoOutput>(
                ContractName, Address, new GetNodeFullInfoFunction { Operator = host }, cancellationToken)
                .ConfigureAwait(false);
            return new FabstirNodeRecord(
                host,
                !Addresses.IsZero(info.Operator),
                info.StakedAmount,
                info.Active,
                info.Metadata,
                info.ApiUrl,
                info.SupportedModels.Select(id => id.ToHex(true)).ToList(),
                info.MinPricePerTokenNative,
                info.MinPricePerTokenStable);
        }

        private async Task<BigInteger> ReadUintAsync<TFunction>(
            TFunction function,
            CancellationToken cancellationToken)
            where TFunction : Nethereum.Contracts.FunctionMessage, new()
        {
            var output = await _chain.CallAsync<TFunction, UintOutput>(
                    ContractName, Address, function, cancellationToken)
                .ConfigureAwait(false);
            return output.Value;
        }
    }
}
