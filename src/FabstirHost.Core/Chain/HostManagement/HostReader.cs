using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>Reads everything the chain knows about a host; needs no key.</summary>
    public static class HostReader
    {
        public static async Task<FabstirHostInfo> ReadAsync(
            HostContext host,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await host.ReadAsync(cancellationToken).ConfigureAwait(false);
            var info = new FabstirHostInfo(record, host.Chain.Profile.ChainId, host.Registry.Address);
            if (!record.IsRegistered)
            {
                // A host can vanish without unregistering (a slash): say so rather than only "false".
                string why = (await host.ExplainAbsenceAsync(cancellationToken).ConfigureAwait(false)).Trim();
                info.NotRegisteredReason = why.Length == 0 ? null : why;
                host.Chain.Log.Verbose($"{host.Address} is not registered at {host.Registry.Address}. {why}");
                return info;
            }

            info.MetadataFields = HostMetadataMerge.Parse(record.Metadata);
            info.Models = await ModelsAsync(host, record.ModelIds, cancellationToken).ConfigureAwait(false);
            info.PricingGeneration = await host.GenerationAsync(cancellationToken).ConfigureAwait(false);
            info.Prices = await PricesAsync(host, info, cancellationToken).ConfigureAwait(false);
            return info;
        }

        internal static async Task<IReadOnlyList<FabstirHostModel>> ModelsAsync(
            HostContext host,
            IEnumerable<string> ids,
            CancellationToken cancellationToken)
        {
            var models = new List<FabstirHostModel>();
            foreach (string id in ids)
            {
                FabstirModel? known = await host.Models.GetModelAsync(id, cancellationToken)
                    .ConfigureAwait(false);
                models.Add(new FabstirHostModel(id, known));
            }

            return models;
        }

        /// <summary>Native and USDC prices of every model the host advertises.</summary>
        internal static async Task<IReadOnlyList<FabstirModelPrice>> PricesAsync(
            HostContext host,
            FabstirHostInfo info,
            CancellationToken cancellationToken)
        {
            BigInteger precision = (await host.Registry.GetPriceBoundsAsync(cancellationToken)
                .ConfigureAwait(false)).Precision;
            var native = PaymentToken.Native;
            var usdc = PaymentToken.Usdc(host.Chain.Profile);
            var byId = info.Models.ToDictionary(m => m.Id);
            var prices = new List<FabstirModelPrice>();
            if (info.PricingGeneration == PricingGeneration.Legacy)
            {
                var output =
                    await host.Chain.CallAsync<GetLegacyHostModelPricesFunction, LegacyHostModelPricesOutput>(
                    NodeRegistry.ContractName,
                    host.Registry.Address,
                    new GetLegacyHostModelPricesFunction { Operator = host.Address },
                    cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < output.ModelIds.Count; i++)
                {
                    FabstirHostModel model = Model(byId, output.ModelIds[i]);
                    prices.Add(new FabstirModelPrice(model, native, output.NativePrices[i], precision));
                    prices.Add(new FabstirModelPrice(model, usdc, output.StablePrices[i], precision));
                }

                return prices;
            }

            foreach (PaymentToken token in new[] { native, usdc })
            {
                var output = await host.Chain.CallAsync<GetHostModelPricesFunction, HostModelPricesOutput>(
                    NodeRegistry.ContractName,
                    host.Registry.Address,
                    new GetHostModelPricesFunction { Operator = host.Address, Token = token.Address },
                    cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < output.ModelIds.Count; i++)
                {
                    FabstirHostModel model = Model(byId, output.ModelIds[i]);
                    prices.Add(new FabstirModelPrice(model, token, output.Prices[i], precision));
                }
            }

            return prices.OrderBy(p => p.Model).ThenBy(p => p.Token == "ETH" ? 0 : 1).ToList();
        }

        private static FabstirHostModel Model(Dictionary<string, FabstirHostModel> byId, byte[] id)
        {
            string hex = id.ToHex(true);
            return byId.TryGetValue(hex, out FabstirHostModel? model)
                ? model
                : new FabstirHostModel(hex, null);
        }
    }
}
