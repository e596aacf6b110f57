using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the models of the ModelRegistry: id, repository, file, SHA-256, tier.</para>
    /// <para type="description">Lists the approved models a host may advertise; -IncludeInactive adds deactivated ones. -Id selects by model id, -Name by wildcard on the repository, the file name or repo:file. The Spec property (repo:file) is what the -Model parameters take. An -Id, or a -Name without wildcards, that matches no model writes a non-terminating ModelNotFound error, as Get-Item does for a missing path.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirModel -Name '*TinyLlama*'</code>
    /// <para>Shows the approved TinyLlama models.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirModel")]
    [OutputType(typeof(FabstirModel))]
    public sealed class GetFabstirModelCommand : FabstirChainCmdlet
    {
        /// <summary>
        /// <para type="description">Model ids (0x and 64 hex digits) to select.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ModelId")]
        [ValidatePattern("^0x[0-9a-fA-F]{64}$")]
        public string[]? Id { get; set; }

        /// <summary>
        /// <para type="description">A wildcard matched against the repository, the file name and repo:file.</para>
        /// </summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>
        /// <para type="description">Also lists deactivated models, which hosts can no longer advertise.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeInactive { get; set; }

        private readonly List<string> _ids = new List<string>();

        private bool _idGiven;

        protected override void ProcessRecord()
        {
            // Ids may come from many pipeline objects; the registry is read once, at the end.
            if (Id != null)
            {
                _idGiven = true;
                _ids.AddRange(Id.Where(id => !_ids.Contains(id, StringComparer.OrdinalIgnoreCase)));
            }
        }

        protected override void EndProcessing()
        {
            WildcardPattern? pattern = Name == null ? null : NamePattern(Name);
            var chain = new FabstirChain(ResolveChainProfile(), Log);
            var registry = new ModelRegistry(chain);
            var models = Run(async token =>
            {
                await chain.EnsureContractAsync(ModelRegistry.ContractName, registry.Address, token);
                return await registry.GetAllModelsAsync(token);
            });
            var found = new List<FabstirModel>();
            foreach (FabstirModel model in models.Where(m => IncludeInactive || m.Approved))
            {
                bool idMatches = !_idGiven ||
                    _ids.Any(id => string.Equals(id, model.Id, StringComparison.OrdinalIgnoreCase));
                bool nameMatches = pattern == null || pattern.IsMatch(model.Repository) ||
                    pattern.IsMatch(model.FileName) || pattern.IsMatch(model.Spec);
                if (idMatches && nameMatches)
                {
                    found.Add(model);
                    WriteObject(model);
                }
            }

            ReportNotFound(models, found, registry.Address);
        }

        /// <summary>
        /// Like Get-Item for a missing path: an id, or a name without wildcards, that matches no
        /// model is a non-terminating error; a wildcard that matches nothing is not.
        /// </summary>
        private void ReportNotFound(
            IReadOnlyCollection<FabstirModel> all,
            List<FabstirModel> found,
            string registryAddress)
        {
            const string list = "List the approved models with Get-FabstirModel (add -IncludeInactive " +
                "for the deactivated ones).";
            foreach (string id in _ids)
            {
                if (found.Any(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                FabstirModel? inactive = all.FirstOrDefault(
                    m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
                string why = inactive != null && !IncludeInactive
                    ? $"Model {id} ({inactive.Spec}) is deactivated in the ModelRegistry at {registryAddress}; " +
                        "add -IncludeInactive to see it."
                    : $"No model with id {id} matches in the ModelRegistry at {registryAddress}. {list}";
                WriteNotFound(why, id);
            }

            if (Name != null && !WildcardPattern.ContainsWildcardCharacters(Name) && found.Count == 0 && !_idGiven)
            {
                WriteNotFound(
                    $"No model named '{Name}' (repository, file or repo:file) is in the ModelRegistry at " +
                    $"{registryAddress}{(IncludeInactive ? string.Empty : " among the approved models")}. {list}",
                    Name);
            }
        }

        private void WriteNotFound(string message, string target)
        {
            WriteFabstirError(new FabstirException(
                "ModelNotFound", FabstirErrorCategory.ObjectNotFound, message, target));
        }

        private WildcardPattern NamePattern(string name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            try
            {
                pattern.IsMatch(string.Empty);
            }
            catch (WildcardPatternException ex)
            {
                ThrowFabstirError(new FabstirException(
                    "InvalidModelNamePattern",
                    FabstirErrorCategory.InvalidArgument,
                    $"-Name '{name}' is not a valid wildcard pattern: {ex.Message} Escape a literal '[' or " +
                    "']' with a backtick (for example '`[q4`]'), or give the name without them.",
                    name));
            }

            return pattern;
        }
    }
}
