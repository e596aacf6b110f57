using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Network;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Chain
{
    /// <summary>The checks of the host's own record: registered, URL, model, prices.</summary>
    public sealed partial class ChainHealthChecks
    {
        private const string Registered = "Registered";
        private const string OnChainUrl = "On-chain URL";
        private const string ModelRegistered = "Model registered";
        private const string PricesSet = "Prices set";

        private const string ChooseApprovedModel =
            "Get-FabstirModel (then Set-FabstirHostConfig -ModelPath with the file of an approved model)";

        private async Task AddHostChecksAsync(
            ChainDiagnosticsContext context,
            ISet<string> missingContracts,
            Action<FabstirDiagnostic> add,
            CancellationToken cancellationToken)
        {
            if (missingContracts.Contains(NodeRegistry.ContractName))
            {
                string reason = $"no NodeRegistry contract at {Profile.NodeRegistry}";
                SkipHostChecks(add, Registered, reason);
                return;
            }

            var registry = new NodeRegistry(_chain);
            FabstirNodeRecord node = await registry.GetNodeAsync(HostAddress, cancellationToken)
                .ConfigureAwait(false);
            add(RegisteredCheck(node));
            if (!node.IsRegistered)
            {
                SkipHostChecks(add, OnChainUrl, $"{HostAddress} is not registered");
                return;
            }

            add(UrlCheck(node, context.PublicUrl));
            if (missingContracts.Contains(ModelRegistry.ContractName))
            {
                add(Skip(Area, ModelRegistered, $"no ModelRegistry contract at {Profile.ModelRegistry}"));
            }
            else
            {
                add(await ModelCheckAsync(node, context.ModelPath, cancellationToken).ConfigureAwait(false));
            }

            add(await PricesCheckAsync(registry, node, cancellationToken).ConfigureAwait(false));
        }

        /// <summary>Skips the host checks from <paramref name="first"/> on, up to the prices.</summary>
        private static void SkipHostChecks(Action<FabstirDiagnostic> add, string first, string reason)
        {
            string[] names = { Registered, OnChainUrl, ModelRegistered, PricesSet };
            foreach (string name in names.SkipWhile(name => name != first))
            {
                add(Skip(Area, name, reason));
            }
        }

        private FabstirDiagnostic RegisteredCheck(FabstirNodeRecord node)
        {
            string registry = $"the NodeRegistry at {Profile.NodeRegistry}";
            if (!node.IsRegistered)
            {
                return Fail(Area, Registered,
                    $"{HostAddress} is not registered in {registry}: clients cannot find this host",
                    "Register-FabstirHost");
            }

            string stake = $"{node.Stake} FAB staked, {node.ModelIds.Count} model(s)";
            if (!node.Active)
            {
                return Fail(Area, Registered,
                    $"{HostAddress} is registered in {registry} ({stake}) but not active: clients are " +
                    "not sent to inactive hosts",
                    "Ask the marketplace operators why the host was deactivated (Get-FabstirHost shows " +
                    "the record)");
            }

            return Pass(Area, Registered, $"{HostAddress} is registered and active ({stake})");
        }

        private static FabstirDiagnostic UrlCheck(FabstirNodeRecord node, Uri? configured)
        {
            if (configured == null)
            {
                return Skip(Area, OnChainUrl,
                    $"no public URL is configured to compare with the registered '{node.ApiUrl}'",
                    $"Set-FabstirHostConfig -PublicUrl '{node.ApiUrl}'");
            }

            string wanted = UrlRules.Redact(configured.OriginalString.Trim());
            if (SameUrl(node.ApiUrl, configured))
            {
                return Pass(Area, OnChainUrl,
                    $"the registry sends clients to '{node.ApiUrl}', the configured URL");
            }

            return Fail(Area, OnChainUrl,
                $"the registry sends clients to '{node.ApiUrl}', but this node's URL is '{wanted}': " +
                "clients reach the old address",
                $"Set-FabstirHost -Url '{wanted}'");
        }

        /// <summary>
        /// Equal as URLs: scheme and host case, a default port written out and a trailing slash do
        /// not count as differences; anything else (path, port, scheme) does.
        /// </summary>
        internal static bool SameUrl(string onChain, Uri configured)
        {
            if (!Uri.TryCreate(onChain.Trim(), UriKind.Absolute, out Uri? registered))
            {
                return false;
            }

            return string.Equals(
                registered.AbsoluteUri.TrimEnd('/'),
                configured.AbsoluteUri.TrimEnd('/'),
                StringComparison.Ordinal);
        }

        private async Task<FabstirDiagnostic> ModelCheckAsync(
            FabstirNodeRecord node,
            string? modelPath,
            CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(modelPath))
            {
                return Skip(Area, ModelRegistered, "no model is configured (ModelPath)",
                    "Set-FabstirHostConfig -ModelPath '/path/to/model.gguf'");
            }

            string file = Path.GetFileName(modelPath);
            FabstirModel? model = await _models.FindAsync(modelPath!, cancellationToken)
                .ConfigureAwait(false);
            if (model == null)
            {
                return Fail(Area, ModelRegistered,
                    $"the ModelRegistry at {Profile.ModelRegistry} knows no model with the file name " +
                    $"'{file}': clients only ask for registered models",
                    ChooseApprovedModel);
            }

            string named = $"'{model.Spec}' ({model.Id})";
            if (!model.Approved)
            {
                return Fail(Area, ModelRegistered,
                    $"the node loads {named}, which the ModelRegistry has deactivated",
                    ChooseApprovedModel);
            }

            if (!node.ModelIds.Any(id => string.Equals(id, model.Id, StringComparison.OrdinalIgnoreCase)))
            {
                return Fail(Area, ModelRegistered,
                    $"the node loads {named}, but the host's {node.ModelIds.Count} registered model(s) " +
                    "do not include it: clients asking for it are not sent here",
                    $"Set-FabstirHost -Model '{model.Spec}'");
            }

            return Pass(Area, ModelRegistered,
                $"{named} is among the host's {node.ModelIds.Count} registered model(s)");
        }

        /// <summary>
        /// Phase 18 has no node-wide price: a model and token without its own price cannot be paid
        /// for, so every registered model must be priced in the native coin and in USDC, and any
        /// gap fails. Legacy registries always have node-wide prices (registerNode requires both
        /// within bounds) which every model without an override falls back to, so overrides are
        /// optional and the check reports the effective prices.
        /// </summary>
        private async Task<FabstirDiagnostic> PricesCheckAsync(
            NodeRegistry registry,
            FabstirNodeRecord node,
            CancellationToken cancellationToken)
        {
            PricingGeneration generation = await registry.ProbeGenerationAsync(cancellationToken)
                .ConfigureAwait(false);
            return generation == PricingGeneration.Phase18
                ? await Phase18PricesAsync(registry, node, cancellationToken).ConfigureAwait(false)
                : await LegacyPricesAsync(registry, node, cancellationToken).ConfigureAwait(false);
        }

        private async Task<FabstirDiagnostic> Phase18PricesAsync(
            NodeRegistry registry,
            FabstirNodeRecord node,
            CancellationToken cancellationToken)
        {
            var gaps = new List<(string ModelId, string Token)>();
            foreach (var (token, label) in new[] { (Addresses.Zero, "Native"), (Profile.UsdcToken, "USDC") })
            {
                var prices = await _chain.CallAsync<GetHostModelPricesFunction, HostModelPricesOutput>(
                    NodeRegistry.ContractName,
                    registry.Address,
                    new GetHostModelPricesFunction { Operator = HostAddress, Token = token },
                    cancellationToken).ConfigureAwait(false);
                var priced = new HashSet<string>(
                    prices.ModelIds.Zip(prices.Prices, (id, price) => (Id: ToHex(id), Price: price))
                        .Where(entry => !entry.Price.IsZero)
                        .Select(entry => entry.Id),
                    StringComparer.OrdinalIgnoreCase);
                gaps.AddRange(node.ModelIds.Where(id => !priced.Contains(id)).Select(id => (id, label)));
            }

            int pairs = node.ModelIds.Count * 2;
            if (gaps.Count == 0)
            {
                return Pass(Area, PricesSet,
                    $"all {node.ModelIds.Count} model(s) are priced in the native coin and USDC " +
                    "(phase 18 pricing)");
            }

            var missing = new List<string>();
            var remedies = new List<string>();
            foreach (var token in gaps.GroupBy(gap => gap.Token))
            {
                var models = new List<string>();
                foreach (var gap in token)
                {
                    models.Add(await SpecOrIdAsync(gap.ModelId, cancellationToken).ConfigureAwait(false));
                }

                missing.Add($"no {token.Key} price for {string.Join(", ", models)}");
                remedies.Add(PricingCommand(token.Key, models, all: models.Count == node.ModelIds.Count));
            }

            return Fail(Area, PricesSet,
                $"{gaps.Count} of {pairs} model prices are not set (phase 18 pricing has no node-wide " +
                $"price, so sessions for them cannot be paid): {string.Join("; ", missing)}",
                string.Join("; ", remedies));
        }

        /// <summary>Set-FabstirPricing prices every model of the host when no -Model is given.</summary>
        private static string PricingCommand(string token, IReadOnlyList<string> models, bool all)
        {
            string unit = token == "USDC" ? "<USDC per million tokens>" : "<gwei per million tokens>";
            string which = all
                ? string.Empty
                : "-Model " + string.Join(", ", models.Select(m => $"'{m}'")) + " ";
            return $"Set-FabstirPricing {which}-Token {token} -Price {unit}";
        }

        private async Task<FabstirDiagnostic> LegacyPricesAsync(
            NodeRegistry registry,
            FabstirNodeRecord node,
            CancellationToken cancellationToken)
        {
            var prices = await _chain.CallAsync<
                GetLegacyHostModelPricesFunction, LegacyHostModelPricesOutput>(
                NodeRegistry.ContractName,
                registry.Address,
                new GetLegacyHostModelPricesFunction { Operator = HostAddress },
                cancellationToken).ConfigureAwait(false);
            int overrides = 0;
            for (int i = 0; i < prices.ModelIds.Count; i++)
            {
                if (prices.NativePrices[i].IsZero || prices.StablePrices[i].IsZero)
                {
                    string model = await SpecOrIdAsync(ToHex(prices.ModelIds[i]), cancellationToken)
                        .ConfigureAwait(false);
                    return Fail(Area, PricesSet,
                        $"the registry reports no effective price for {model} (legacy pricing)",
                        "Set-FabstirPricing -Token Native -Price <gwei per million tokens>");
                }

                bool own = prices.NativePrices[i] != node.MinPricePerTokenNative ||
                    prices.StablePrices[i] != node.MinPricePerTokenStable;
                overrides += own ? 1 : 0;
            }

            return Pass(Area, PricesSet,
                $"legacy pricing: node prices native {node.MinPricePerTokenNative}, stable " +
                $"{node.MinPricePerTokenStable} (raw) apply to every model; {overrides} of " +
                $"{prices.ModelIds.Count} model(s) have their own");
        }

        private async Task<string> SpecOrIdAsync(string modelId, CancellationToken cancellationToken)
        {
            FabstirModel? model = await new ModelRegistry(_chain).GetModelAsync(modelId, cancellationToken)
                .ConfigureAwait(false);
            return model?.Spec ?? modelId;
        }

        private static string ToHex(byte[] bytes)
        {
            return "0x" + BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
        }
    }
}
