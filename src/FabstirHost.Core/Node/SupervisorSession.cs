using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Threading.Tasks;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// The launching command's end of a supervisor: starts the process, hands it the settings and
    /// the key over stdin, and turns its report lines into events until it is detached.
    /// </summary>
    internal sealed class SupervisorSession : IDisposable
    {
        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);

        private readonly Process _process;
        private readonly Stream _input;
        private readonly Queue<string> _stderrTail = new Queue<string>();
        private readonly TaskCompletionSource<SupervisorEvent> _outcome =
            new TaskCompletionSource<SupervisorEvent>(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly Action<SupervisorEvent> _onEvent;
        private bool _inputClosed;

        private SupervisorSession(Process process, Action<SupervisorEvent> onEvent)
        {
            _process = process;
            _input = process.StandardInput.BaseStream;
            _onEvent = onEvent;
            _ = Task.Run(ReadEventsAsync);
            _ = Task.Run(ReadErrorsAsync);
        }

        public int ProcessId => _process.Id;

        public int? NodeProcessId { get; private set; }

        /// <summary>The first decisive event: ready, model load failed, exited, failed.</summary>
        public Task<SupervisorEvent> Outcome => _outcome.Task;

        public static SupervisorSession Start(
            string? explicitHost,
            SupervisorSettings settings,
            SecureString? privateKey,
            Action<SupervisorEvent> onEvent)
        {
            ProcessStartInfo start = SupervisorHost.CreateStartInfo(explicitHost, settings.Home);
            start.UseShellExecute = false;
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.WorkingDirectory = settings.Home;
            foreach (string name in new List<string>(start.Environment.Keys))
            {
                if (NodeEnvironment.IsSecret(name))
                {
                    start.Environment.Remove(name);
                }
            }

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new FabstirException(
                    "SupervisorStartFailed",
                    FabstirErrorCategory.NotInstalled,
                    $"Could not start the node's supervisor with '{start.FileName}': {ex.Message}",
                    start.FileName,
                    ex);
            }

            var session = new SupervisorSession(process, onEvent);
            session.SendSettings(settings, privateKey);
            return session;
        }

        /// <summary>Leaves the supervisor on its own: it keeps the node running after we are gone.</summary>
        public void Detach()
        {
            SendLine(SupervisorProgram.DetachCommand);
            CloseInput();
        }

        /// <summary>Asks the supervisor to stop the node and exit.</summary>
        public void Abort()
        {
            SendLine(SupervisorProgram.AbortCommand);
            CloseInput();
        }

        public Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            return Task.Run(() => _process.WaitForExit((int)timeout.TotalMilliseconds));
        }

        public bool HasExited
        {
            get
            {
                try
                {
                    return _process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        public void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        public string StderrTail()
        {
            lock (_stderrTail)
            {
                return string.Join(Environment.NewLine, _stderrTail);
            }
        }

        public void Dispose()
        {
            CloseInput();
            _process.Dispose();
        }

        private void SendSettings(SupervisorSettings settings, SecureString? privateKey)
        {
            SendLine(Newtonsoft.Json.JsonConvert.SerializeObject(settings, JsonSettings.Compact));
            byte[] keyLine = KeyBytes(privateKey);
            try
            {
                _input.Write(keyLine, 0, keyLine.Length);
                _input.Flush();
            }
            finally
            {
                Array.Clear(keyLine, 0, keyLine.Length);
            }
        }

        private static byte[] KeyBytes(SecureString? privateKey)
        {
            if (privateKey == null || privateKey.Length == 0)
            {
                return new byte[] { (byte)'\n' };
            }

            IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(privateKey);
            var chars = new char[privateKey.Length + 1];
            try
            {
                Marshal.Copy(unmanaged, chars, 0, privateKey.Length);
                chars[privateKey.Length] = '\n';
                return Utf8NoBom.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }

        private void SendLine(string line)
        {
            lock (_input)
            {
                if (_inputClosed)
                {
                    return;
                }

                try
                {
                    byte[] bytes = Utf8NoBom.GetBytes(line + "\n");
                    _input.Write(bytes, 0, bytes.Length);
                    _input.Flush();
                }
                catch (IOException)
                {
                    // The supervisor is gone; its exit is reported through the outcome.
                }
            }
        }

        private void CloseInput()
        {
            lock (_input)
            {
                if (_inputClosed)
                {
                    return;
                }

                _inputClosed = true;
                try
                {
                    _input.Dispose();
                }
                catch (IOException)
                {
                }
            }
        }

        private async Task ReadEventsAsync()
        {
            try
            {
                using (var reader = new StreamReader(_process.StandardOutput.BaseStream, Utf8NoBom))
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) != null)
                    {
                        SupervisorEvent? report = SupervisorEvent.TryParse(line);
                        if (report != null)
                        {
                            Dispatch(report);
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            _outcome.TrySetResult(new SupervisorEvent
            {
                Event = SupervisorEvents.Failed,
                Message = "the supervisor ended without reporting on the node",
            });
        }

        private void Dispatch(SupervisorEvent report)
        {
            if (report.Event == SupervisorEvents.Spawned)
            {
                NodeProcessId = report.Pid;
            }

            _onEvent(report);
            if (report.Event != SupervisorEvents.Spawned && report.Event != SupervisorEvents.Phase)
            {
                _outcome.TrySetResult(report);
            }
        }

        private async Task ReadErrorsAsync()
        {
            try
            {
                string? line;
                while ((line = await _process.StandardError.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    lock (_stderrTail)
                    {
                        _stderrTail.Enqueue(line);
                        while (_stderrTail.Count > 20)
                        {
                            _stderrTail.Dequeue();
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
