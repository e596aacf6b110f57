using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using Nethereum.Hex.HexConvertors.Extensions;

namespace FabstirHost.Core.Chain
{
    /// <summary>A model as the ModelRegistry records it.</summary>
    public sealed class FabstirModel
    {
        internal FabstirModel(
            string id,
            string repository,
            string fileName,
            string sha256,
            bool approved,
            int tier,
            long timestamp)
        {
            Id = id;
            Repository = repository;
            FileName = fileName;
            Sha256 = sha256;
            Approved = approved;
            ApprovalTier = tier;
            Timestamp = timestamp;
        }

        public string Id { get; }

        public string Repository { get; }

        public string FileName { get; }

        /// <summary>The spec to pass to the module's -Model parameters: repo:file.</summary>
        public string Spec => Repository + ":" + FileName;

        public string Sha256 { get; }

        public bool Approved { get; }

        public int ApprovalTier { get; }

        /// <summary>When it was added, Unix seconds.</summary>
        public long Timestamp { get; }
    }

    /// <summary>Reads of the ModelRegistry at the profile's address.</summary>
    public sealed class ModelRegistry
    {
        public const string ContractName = "ModelRegistry";

        private readonly FabstirChain _chain;

        public ModelRegistry(FabstirChain chain, string? address = null)
        {
            _chain = chain;
            Address = address ?? chain.Profile.ModelRegistry;
        }

        public string Address { get; }

        public async Task<bool> IsApprovedAsync(ModelSpec model, CancellationToken cancellationToken)
        {
            var output = await _chain.CallAsync<IsModelApprovedFunction, BoolOutput>(
                ContractName,
                Address,
                new IsModelApprovedFunction { ModelId = model.IdBytes },
                cancellationToken)
                .ConfigureAwait(false);
            return output.Value;
        }

        /// <summary>The record of a model id, or null when the registry has never seen it.</summary>
        public async Task<FabstirModel?> GetModelAsync(string modelId, CancellationToken cancellationToken)
        {
            byte[] id = modelId.HexToByteArray();
            var output = await _chain.CallAsync<GetModelFunction, GetModelOutput>(
                ContractName, Address, new GetModelFunction { ModelId = id }, cancellationToken)
                    .ConfigureAwait(false);
            ModelTuple model = output.Model;
            if (model.Timestamp.IsZero && string.IsNullOrEmpty(model.HuggingfaceRepo))
            {
                return null;
            }

            return new FabstirModel(
                id.ToHex(true),
                model.HuggingfaceRepo,
                model.FileName,
                model.Sha256Hash.ToHex(true),
                model.Active,
                (int)model.ApprovalTier,
                (long)model.Timestamp);
        }

        public async Task<IReadOnlyList<FabstirModel>> GetAllModelsAsync(CancellationToken cancellationToken)
        {
            var ids = await _chain.CallAsync<GetAllModelsFunction, Bytes32ArrayOutput>(
                ContractName, Address, new GetAllModelsFunction(), cancellationToken).ConfigureAwait(false);
            var models = new List<FabstirModel>();
            foreach (byte[] id in ids.Values)
            {
                FabstirModel? model = await GetModelAsync(id.ToHex(true), cancellationToken)
                    .ConfigureAwait(false);
                if (model != null)
                {
                    models.Add(model);
                }
            }

            return models;
        }
    }
}
