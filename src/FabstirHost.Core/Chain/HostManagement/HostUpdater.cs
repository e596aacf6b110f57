using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using FabstirHost.Core.Network;
using Nethereum.Hex.HexConvertors.Extensions;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>What Set-FabstirHost changes; null members stay as they are.</summary>
    public sealed class HostUpdateRequest
    {
        public string? Url { get; set; }

        /// <summary>repo:file specs: the complete new list.</summary>
        public IReadOnlyList<string>? Models { get; set; }

        /// <summary>
        /// Fields merged into the current metadata (a null value removes the field), or replacing
        /// every field but publicKey with ReplaceMetadata.
        /// </summary>
        public IDictionary? Metadata { get; set; }

        /// <summary>Replaces the metadata fields with <see cref="Metadata"/>, which it needs.</summary>
        public bool ReplaceMetadata { get; set; }

        /// <summary>The file name of the model the node loads; it must stay advertised.</summary>
        public string? LoadedModelFile { get; set; }

        /// <summary>Allows dropping the loaded model.</summary>
        public bool Force { get; set; }

        /// <summary>The port the node listens on here, for troubleshooting an unreachable URL.</summary>
        public int? ApiPort { get; set; }

        /// <summary>
        /// The first P2P port of the node here (it also opens the next one): a URL on either would
        /// reach its P2P listener, so it is refused before the probe.
        /// </summary>
        public int? P2PPort { get; set; }

        public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// Plans Set-FabstirHost: a new URL (probed first), a new model list (approved, de-duplicated,
    /// priced in phase 18), merged metadata. Only what differs from the chain is sent.
    /// </summary>
    public static class HostUpdater
    {
        public static async Task<HostTransactionPlan> PlanAsync(
            HostContext host,
            HostUpdateRequest request,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            if (request.ReplaceMetadata && request.Metadata == null)
            {
                throw new FabstirException(
                    HostManagementErrors.ReplaceWithoutMetadata,
                    FabstirErrorCategory.InvalidArgument,
                    "-Replace replaces the metadata fields with those of -Metadata, but no -Metadata was " +
                    "given. Nothing was sent. Add -Metadata @{ ... } with the fields to keep, or leave out " +
                    "-Replace.",
                    "-Replace");
            }

            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            var plan = new HostTransactionPlan("Update host", host.Address);
            if (request.Url != null)
            {
                await PlanUrlAsync(host, record, request, plan, log, cancellationToken).ConfigureAwait(false);
            }

            if (request.Models != null)
            {
                await PlanModelsAsync(host, record, request, plan, log, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (request.Metadata != null)
            {
                string merged = HostMetadataMerge.Merge(
                    record.Metadata, request.Metadata, request.ReplaceMetadata, log);
                if (!HostMetadataMerge.SameAs(merged, record.Metadata))
                {
                    plan.Add(host.RegistryStep(new UpdateMetadataFunction { NewMetadata = merged },
                        $"updateMetadata({merged})"));
                }
                else
                {
                    log.Verbose("The metadata on chain already holds these fields.");
                }
            }

            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>
        /// The models of a request, parsed, de-duplicated with a warning, and each approved by the
        /// ModelRegistry; <c>ModelListEmpty</c> or <c>ModelNotApproved</c> otherwise.
        /// </summary>
        public static async Task<IReadOnlyList<ModelSpec>> ApprovedModelsAsync(
            HostContext host,
            IReadOnlyList<string> texts,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            var specs = new List<ModelSpec>();
            foreach (ModelSpec spec in texts.Select(ModelSpec.Parse))
            {
                if (specs.Contains(spec))
                {
                    log.Warning($"The model {spec} is listed more than once; it is advertised once.");
                    continue;
                }

                specs.Add(spec);
            }

            if (specs.Count == 0)
            {
                throw new FabstirException(
                    HostManagementErrors.ModelListEmpty,
                    FabstirErrorCategory.InvalidArgument,
                    "The model list is empty; a host must advertise at least one model. Nothing was sent.",
                    "-Model");
            }

            foreach (ModelSpec spec in specs)
            {
                if (!await host.Models.IsApprovedAsync(spec, cancellationToken).ConfigureAwait(false))
                {
                    throw await NotApprovedAsync(host, spec, cancellationToken).ConfigureAwait(false);
                }
            }

            return specs;
        }

        private static async Task PlanUrlAsync(
            HostContext host,
            FabstirNodeRecord record,
            HostUpdateRequest request,
            HostTransactionPlan plan,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            // Registration's rules: no query, fragment or credentials go on chain, and the URL is
            // written the same way, so a later Register-FabstirHost sees it unchanged.
            Uri url = Registration.RegistrationInput.ValidateUrl(request.Url!);
            string text = Registration.RegistrationInput.OnChainText(url);
            if (string.Equals(text, record.ApiUrl, StringComparison.Ordinal))
            {
                log.Verbose($"The registry already has the URL {text}.");
                return;
            }

            if (request.ApiPort != null && request.P2PPort != null)
            {
                Config.HostConfigRules.CheckPublicPortApart(
                    UrlRules.EffectivePort(url), request.ApiPort.Value, request.P2PPort.Value);
            }

            log.Verbose($"Probing {url} before advertising it.");
            FabstirEndpointResult probe = await EndpointProbe.ProbeAsync(
                url, request.ProbeTimeout, log, cancellationToken).ConfigureAwait(false);
            if (!probe.Reachable)
            {
                throw PublicUrlCheck.Unreachable(
                    probe, request.ApiPort ?? UrlRules.EffectivePort(url), null, null, log);
            }

            if (probe.IsLocalOnly)
            {
                log.Warning($"{url} answers, but only from this machine or network " +
                    $"({probe.LocalOnlyReason}); " +
                    "clients on the internet cannot reach it.");
            }

            plan.Add(host.RegistryStep(new UpdateApiUrlFunction { NewApiUrl = text },
                $"updateApiUrl({text})"));
        }

        private static async Task PlanModelsAsync(
            HostContext host,
            FabstirNodeRecord record,
            HostUpdateRequest request,
            HostTransactionPlan plan,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            IReadOnlyList<ModelSpec> specs =
                await ApprovedModelsAsync(host, request.Models!, log, cancellationToken)
                .ConfigureAwait(false);
            KeepLoadedModel(specs, request, log);
            var current = new HashSet<string>(record.ModelIds, StringComparer.OrdinalIgnoreCase);
            // A list with duplicates (an older tool wrote them) is rewritten even when the set is
            // the same: the registry corrupts its model index when it removes a duplicate.
            bool sameList = current.SetEquals(specs.Select(s => s.Id)) &&
                record.ModelIds.Count == specs.Count;
            if (sameList)
            {
                log.Verbose("The registry already lists exactly these models.");
                return;
            }

            plan.Add(host.RegistryStep(new UpdateSupportedModelsFunction
            {
                NewModelIds = specs.Select(s => s.Id.HexToByteArray()).ToList(),
            }, $"updateSupportedModels({string.Join(", ", specs)})"));
            var added = specs.Where(s => !current.Contains(s.Id)).ToList();
            if (added.Count > 0 &&
                await host.GenerationAsync(cancellationToken).ConfigureAwait(false) ==
                    PricingGeneration.Phase18)
            {
                PriceNewModels(host, record, added, plan);
            }
        }

        /// <summary>
        /// Phase 18 sells a model only in the tokens it has a price in: new models get the host's
        /// registration prices (native and USDC), sent once the model list is updated.
        /// </summary>
        private static void PriceNewModels(
            HostContext host,
            FabstirNodeRecord record,
            IReadOnlyList<ModelSpec> added,
            HostTransactionPlan plan)
        {
            var prices = new[]
            {
                (PaymentToken.Native, record.MinPricePerTokenNative),
                (PaymentToken.Usdc(host.Chain.Profile), record.MinPricePerTokenStable),
            };
            foreach (ModelSpec spec in added)
            {
                foreach (var (token, price) in prices)
                {
                    plan.Add(host.RegistryStep(new SetModelTokenPricingFunction
                    {
                        ModelId = spec.IdBytes, Token = token.Address, Price = price,
                    },
                    $"setModelTokenPricing({spec}, {token.Symbol}, raw {price})",
                    dependsOnEarlierStep: true));
                }
            }

            plan.Note("New models are priced at the host's registration prices; change them with " +
                "Set-FabstirPricing.");
        }

        private static void KeepLoadedModel(
            IReadOnlyList<ModelSpec> specs,
            HostUpdateRequest request,
            IOperationLog log)
        {
            string? loaded = request.LoadedModelFile;
            if (loaded == null || specs.Any(s => string.Equals(s.FileName, loaded, StringComparison.Ordinal)))
            {
                return;
            }

            if (request.Force)
            {
                log.Warning($"The node loads '{loaded}', which is no longer advertised (-Force): " +
                    "restart it with one of the advertised models.");
                return;
            }

            throw new FabstirException(
                HostManagementErrors.LoadedModelDropped,
                FabstirErrorCategory.InvalidOperation,
                $"The node loads the model file '{loaded}', but the new list ({string.Join(", ", specs)}) " +
                "does not include it: clients would be sent a model the node does not serve. Nothing was " +
                "sent; keep it in the list, or use -Force and restart the node with another model.",
                loaded);
        }

        private static async Task<FabstirException> NotApprovedAsync(
            HostContext host,
            ModelSpec spec,
            CancellationToken cancellationToken)
        {
            var approved = (await host.Models.GetAllModelsAsync(cancellationToken).ConfigureAwait(false))
                .Where(m => m.Approved)
                .Select(m => m.Spec)
                .ToList();
            return new FabstirException(
                HostManagementErrors.ModelNotApproved,
                FabstirErrorCategory.InvalidArgument,
                $"The model {spec} ({spec.Id}) is not approved by the ModelRegistry at " +
                $"{host.Models.Address}, " +
                "so the registry would refuse it. Nothing was sent. Approved models: " +
                (approved.Count == 0 ? "none" : string.Join(", ", approved)) + ".",
                spec.ToString());
        }
    }
}
