using System;
using System.Reflection;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Catches SIGTERM sent to this process (a container or service manager stopping it), so that a
    /// foreground command can stop the node before PowerShell exits. PowerShell exits on SIGTERM
    /// without running ProcessExit handlers, so the runtime's PosixSignalRegistration (.NET 6 and
    /// later) is used; it is reached by reflection because this library targets netstandard2.0.
    /// </summary>
    public static class TerminationSignal
    {
        /// <summary>
        /// Calls <paramref name="onSignal"/> on SIGTERM instead of terminating the process. Returns the
        /// registration to dispose, or null where the runtime cannot do this (Windows PowerShell).
        /// </summary>
        public static IDisposable? Register(Action onSignal)
        {
            Type? registration = Type.GetType(
                "System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", false);
            Type? signalType = Type.GetType(
                "System.Runtime.InteropServices.PosixSignal, System.Runtime.InteropServices", false);
            Type? contextType = Type.GetType(
                "System.Runtime.InteropServices.PosixSignalContext, System.Runtime.InteropServices", false);
            if (registration == null || signalType == null || contextType == null)
            {
                return null;
            }

            MethodInfo? create = registration.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
            PropertyInfo? cancel = contextType.GetProperty("Cancel");
            if (create == null || cancel == null)
            {
                return null;
            }

            var handler = new Handler(onSignal, cancel);
            Type actionType = typeof(Action<>).MakeGenericType(contextType);
            MethodInfo invoke = typeof(Handler).GetMethod(nameof(Handler.Invoke))!;
            Delegate callback = Delegate.CreateDelegate(actionType, handler, invoke);
            object sigterm = Enum.Parse(signalType, "SIGTERM");
            return (IDisposable?)create.Invoke(null, new[] { sigterm, callback });
        }

        private sealed class Handler
        {
            private readonly Action _onSignal;
            private readonly PropertyInfo _cancel;

            public Handler(Action onSignal, PropertyInfo cancel)
            {
                _onSignal = onSignal;
                _cancel = cancel;
            }

            public void Invoke(object context)
            {
                // Keep the process alive; the command stops the node and then ends by itself.
                _cancel.SetValue(context, true);
                _onSignal();
            }
        }
    }
}
