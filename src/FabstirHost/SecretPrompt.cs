using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace FabstirHost
{
    /// <summary>Asks the user for a secret when someone is there to answer.</summary>
    internal static class SecretPrompt
    {
        /// <summary>
        /// Reads a secret from the host without echo; null when the session cannot prompt
        /// (-NonInteractive, a hosted runspace, a service). Must run on the pipeline thread.
        /// </summary>
        public static SecureString? Read(PSCmdlet cmdlet, string prompt)
        {
            PSHostUserInterface? ui = cmdlet.Host?.UI;
            if (ui == null)
            {
                return null;
            }

            try
            {
                // Prompt (not Write + ReadLine) so a non-interactive host refuses before printing anything.
                var field = new FieldDescription("Password");
                field.SetParameterType(typeof(SecureString));
                var answers = ui.Prompt(string.Empty, prompt, new Collection<FieldDescription> { field });
                return answers != null && answers.TryGetValue("Password", out PSObject? answer)
                    ? answer?.BaseObject as SecureString
                    : null;
            }
            catch (Exception ex) when (
                ex is PSInvalidOperationException ||
                ex is HostException ||
                ex is NotImplementedException ||
                ex is PSNotImplementedException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Writes core reports straight to the pipeline: only for calls made on the pipeline thread.
    /// </summary>
    internal sealed class ImmediateLog : FabstirHost.Core.IOperationLog
    {
        private readonly Cmdlet _cmdlet;

        public ImmediateLog(Cmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        public void Verbose(string message) => _cmdlet.WriteVerbose(message);

        public void Debug(string message) => _cmdlet.WriteDebug(message);

        public void Warning(string message) => _cmdlet.WriteWarning(message);

        public void Progress(FabstirHost.Core.OperationProgress progress)
        {
        }
    }
}
