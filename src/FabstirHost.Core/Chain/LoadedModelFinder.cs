using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Models;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// Finds the ModelRegistry's record of a local model file by its file name: first among the
    /// models the config names (repo:file, one id read each), else by listing the registry. Several
    /// repositories may publish a file of the same name; an approved record wins over a deactivated
    /// one. Each file name is looked up once per instance.
    /// </summary>
    internal sealed class LoadedModelFinder
    {
        private readonly FabstirChain _chain;
        private readonly IReadOnlyList<ModelSpec> _configured;
        private readonly Dictionary<string, Task<FabstirModel?>> _found =
            new Dictionary<string, Task<FabstirModel?>>(StringComparer.Ordinal);

        public LoadedModelFinder(FabstirChain chain, IEnumerable<string>? configuredModels)
        {
            _chain = chain;
            _configured = (configuredModels ?? Enumerable.Empty<string>())
                .Select(TryParse)
                .Where(spec => spec != null)
                .Select(spec => spec!)
                .ToList();
        }

        public Task<FabstirModel?> FindAsync(string modelPath, CancellationToken cancellationToken)
        {
            string file = Path.GetFileName(modelPath);
            lock (_found)
            {
                if (!_found.TryGetValue(file, out Task<FabstirModel?>? lookup) || lookup.IsFaulted ||
                    lookup.IsCanceled)
                {
                    lookup = LookUpAsync(file, cancellationToken);
                    _found[file] = lookup;
                }

                return lookup;
            }
        }

        private async Task<FabstirModel?> LookUpAsync(string file, CancellationToken cancellationToken)
        {
            var registry = new ModelRegistry(_chain);
            var candidates = new List<FabstirModel>();
            foreach (ModelSpec spec in _configured.Where(spec => spec.FileName == file))
            {
                FabstirModel? model = await registry.GetModelAsync(spec.Id, cancellationToken)
                    .ConfigureAwait(false);
                if (model != null)
                {
                    candidates.Add(model);
                }
            }

            if (candidates.Count == 0)
            {
                _chain.Log.Verbose(
                    $"Looking for '{file}' among all models of the ModelRegistry {registry.Address}.");
                IReadOnlyList<FabstirModel> all = await registry.GetAllModelsAsync(cancellationToken)
                    .ConfigureAwait(false);
                candidates.AddRange(all.Where(model => model.FileName == file));
            }

            FabstirModel? found = candidates.FirstOrDefault(model => model.Approved) ??
                candidates.FirstOrDefault();
            _chain.Log.Verbose(found == null
                ? $"The ModelRegistry knows no model with the file name '{file}'."
                : $"The model file '{file}' is {found.Spec} ({found.Id}).");
            return found;
        }

        private static ModelSpec? TryParse(string text)
        {
            try
            {
                return ModelSpec.Parse(text);
            }
            catch (FabstirException)
            {
                return null;
            }
        }
    }
}
