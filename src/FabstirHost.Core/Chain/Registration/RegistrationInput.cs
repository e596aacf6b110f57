using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FabstirHost.Core.Models;
using FabstirHost.Core.Network;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// A registration request checked without touching the network: the URL as it goes on chain,
    /// the port the node listens on, the de-duplicated models and the one the node serves.
    /// </summary>
    internal sealed class RegistrationInput
    {
        private RegistrationInput(
            Uri url,
            int apiPort,
            IReadOnlyList<ModelSpec> models,
            ModelSpec? servedModel,
            RegistrationRequest request)
        {
            Url = url;
            UrlText = OnChainText(url);
            ApiPort = apiPort;
            Models = models;
            ServedModel = servedModel;
            Request = request;
        }

        /// <summary>The URL exactly as it is written on chain: no trailing slash.</summary>
        public string UrlText { get; }

        public Uri Url { get; }

        public int ApiPort { get; }

        public IReadOnlyList<ModelSpec> Models { get; }

        /// <summary>The model whose file the node loads; null when no model path is known.</summary>
        public ModelSpec? ServedModel { get; }

        public RegistrationRequest Request { get; }

        public static RegistrationInput Validate(RegistrationRequest request, IOperationLog log)
        {
            Uri url = ValidateUrl(request.PublicUrl);
            int apiPort = ApiPortFor(url, request.Port);
            if (!request.NoStart)
            {
                // Refused before the node starts: the probe would otherwise wait on a P2P listener.
                int p2pPort = request.P2PPort ?? apiPort + 1;
                Config.HostConfigRules.CheckPortsApart(apiPort, p2pPort);
                Config.HostConfigRules.CheckPublicPortApart(url.Port, apiPort, p2pPort);
            }

            IReadOnlyList<ModelSpec> models = ParseModels(request.Models, log);
            ModelSpec? served = FindServedModel(models, request, log);
            HostMetadata.RefuseSecrets(request.Metadata);
            EnsureSinglePrice(request);
            return new RegistrationInput(url, apiPort, models, served, request);
        }

        /// <summary>A checked URL as it is written on chain: without a trailing slash.</summary>
        internal static string OnChainText(Uri url)
        {
            return url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        internal static Uri ValidateUrl(string text)
        {
            Uri url;
            try
            {
                url = UrlRules.Parse(text);
            }
            catch (FabstirException ex) when (ex.ErrorId == UrlRules.InvalidUrlErrorId)
            {
                throw new FabstirException(
                    RegistrationErrors.InvalidPublicUrl, ex.Category, ex.Message, ex.Target, ex);
            }

            string? problem = null;
            if (url.Query.Length > 0)
            {
                problem = "it has a query";
            }
            else if (url.Fragment.Length > 0)
            {
                problem = "it has a fragment";
            }
            else if (url.UserInfo.Length > 0)
            {
                problem = "it carries credentials before the host";
            }

            if (problem != null)
            {
                // Only the masked form is shown: the user part and query values may be secrets.
                string shown = UrlRules.Redact(text.Trim());
                throw new FabstirException(
                    RegistrationErrors.InvalidPublicUrl,
                    FabstirErrorCategory.InvalidArgument,
                    $"The public URL '{shown}' cannot be registered: {problem}. Clients append their " +
                    "own paths to it, and everything on chain is public. Give scheme, host, port and " +
                    "at most a path prefix, e.g. https://node.example.com:8443/fabstir.",
                    shown);
            }

            return url;
        }

        private static int ApiPortFor(Uri url, int? port)
        {
            if (port.HasValue)
            {
                return port.Value;
            }

            if (UrlRules.HasExplicitPort(url))
            {
                return url.Port;
            }

            throw new FabstirException(
                RegistrationErrors.PublicUrlPortMissing,
                FabstirErrorCategory.InvalidArgument,
                $"The public URL '{url}' names no port, and no -Port was given: the node's API port " +
                "cannot be told. Write the port in the URL (http://203.0.113.7:8080), or, behind a " +
                $"reverse proxy that serves {url.Scheme} on {url.Port}, give the node's own port with -Port.",
                url.ToString());
        }

        private static IReadOnlyList<ModelSpec> ParseModels(IList<string> texts, IOperationLog log)
        {
            var models = new List<ModelSpec>();
            foreach (string text in texts ?? Array.Empty<string>())
            {
                ModelSpec model = ModelSpec.Parse(text);
                if (models.Contains(model))
                {
                    // The contract accepts duplicate ids but corrupts its model index when removing them.
                    log.Warning($"The model '{model}' was given more than once; it is registered once.");
                    continue;
                }

                models.Add(model);
            }

            if (models.Count == 0)
            {
                throw new FabstirException(
                    RegistrationErrors.ModelMissing,
                    FabstirErrorCategory.InvalidArgument,
                    "No model was given: a host registers at least one model, as repository:file.",
                    null);
            }

            return models;
        }

        private static ModelSpec? FindServedModel(
            IReadOnlyList<ModelSpec> models,
            RegistrationRequest request,
            IOperationLog log)
        {
            if (string.IsNullOrWhiteSpace(request.ModelPath))
            {
                if (!request.NoStart)
                {
                    throw new FabstirException(
                        RegistrationErrors.ModelPathMissing,
                        FabstirErrorCategory.InvalidArgument,
                        "No model file was given and none is configured: the node loads exactly one " +
                        "GGUF file. Give it with -ModelPath.",
                        null);
                }

                log.Warning("No model file is known (-ModelPath), so it cannot be checked that the node " +
                    "serves the registered models.");
                return null;
            }

            if (!request.NoStart)
            {
                // The node would exit at start-up without it: say so before reading the chain.
                ModelFile.EnsureGguf(request.ModelPath!);
            }

            string fileName = Path.GetFileName(request.ModelPath!);
            ModelSpec? served = models.FirstOrDefault(m => m.FileName == fileName);
            var unserved = models.Where(m => !m.Equals(served)).ToList();
            if (unserved.Count == 0)
            {
                return served;
            }

            string why = served == null
                ? $"the node loads '{fileName}', which is none of the models' files"
                : $"the node loads one file, '{fileName}' ({served}), so it cannot serve " +
                    string.Join(", ", unserved.Select(m => $"'{m}'"));
            string message = $"Clients would be routed to models this host cannot serve: {why}.";
            if (!request.Force)
            {
                throw new FabstirException(
                    RegistrationErrors.ModelNotServed,
                    FabstirErrorCategory.InvalidArgument,
                    message + " Register only the model of the -ModelPath file (its file name must be " +
                    "the model's file), or use -Force if another node answers for the others.",
                    request.ModelPath);
            }

            log.Warning(message + " Registering anyway (-Force).");
            return served;
        }

        private static void EnsureSinglePrice(RegistrationRequest request)
        {
            foreach (PriceSetting? price in new[] { request.StablePrice, request.NativePrice })
            {
                if (price?.Raw != null && price.Raw.Value.Sign < 0)
                {
                    throw new FabstirException(
                        ChainErrors.PriceOutOfRange,
                        FabstirErrorCategory.InvalidArgument,
                        $"The raw {price.Kind.ToString().ToLowerInvariant()} price {price.Raw} is negative.",
                        price.Raw.ToString());
                }
            }
        }
    }
}
