using System.Linq;
using System.Management.Automation;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the models of the ModelRegistry: id, repository, file, SHA-256, tier.</para>
    /// <para type="description">Lists the approved models a host may advertise; -IncludeInactive adds deactivated ones. -Id selects by model id, -Name by wildcard on the repository, the file name or repo:file. The Spec property (repo:file) is what the -Model parameters take.</para>
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

        protected override void EndProcessing()
        {
            var chain = new FabstirChain(ResolveChainProfile(), Log);
            var registry = new ModelRegistry(chain);
            var models = Run(async token =>
            {
                await chain.EnsureContractAsync(ModelRegistry.ContractName, registry.Address, token);
                return await registry.GetAllModelsAsync(token);
            });
            var pattern = Name == null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            foreach (FabstirModel model in models.Where(m => IncludeInactive || m.Approved))
            {
                bool idMatches = Id == null ||
                    Id.Any(id => string.Equals(id, model.Id, System.StringComparison.OrdinalIgnoreCase));
                bool nameMatches = pattern == null || pattern.IsMatch(model.Repository) ||
                    pattern.IsMatch(model.FileName) || pattern.IsMatch(model.Spec);
                if (idMatches && nameMatches)
                {
                    WriteObject(model);
                }
            }
        }
    }
}
