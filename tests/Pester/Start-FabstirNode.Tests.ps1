BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
    $script:errorSuffix = ',FabstirHost.Commands.StartFabstirNodeCommand'
}

Describe 'Start-FabstirNode' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'starts the node detached, returns it Ready with its health, and saves the settings' {
        Set-Content (Join-Path $t.Home 'config.json') '{"publicUrl": "https://host.example:8443", "futureField": {"a": 1}}'

        $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -LogLevel debug

        $node.GetType().FullName | Should -Be 'FabstirHost.Core.Node.FabstirNode'
        $node.Status | Should -Be 'Ready'
        $node.HealthStatus | Should -Be 'degraded'
        $node.P2PPort | Should -Be ($t.Port + 1)
        (Invoke-RestMethod "$($node.LocalUrl)/health").status | Should -Be 'degraded'
        $config = Get-Content (Join-Path $t.Home 'config.json') -Raw | ConvertFrom-Json
        $config.modelPath | Should -Be $t.Model
        $config.apiPort | Should -Be $t.Port
        $config.logLevel | Should -Be 'debug'
        $config.publicUrl | Should -Be 'https://host.example:8443'
        $config.futureField.a | Should -Be 1
        (Get-Content "/proc/$($node.ProcessId)/environ" -Raw) -split "`0" | Should -Contain 'RUST_LOG=debug'
    }

    It 'starts the configured node when given no parameters' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
        Stop-FabstirNode

        $node = Start-FabstirNode

        $node.Status | Should -Be 'Ready'
        $node.ApiPort | Should -Be $t.Port
        $node.ModelPath | Should -Be $t.Model
    }

    Context 'with the host key in the keystore' {
        BeforeEach {
            # anvil's first public dev key: a test value, never a real one
            $script:key = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
            $password = ConvertTo-SecureString 'keystore-test-password' -AsPlainText -Force
            Import-FabstirWallet -PrivateKey (ConvertTo-SecureString $key -AsPlainText -Force) -KeystorePassword $password |
                Out-Null
        }

        AfterEach {
            Remove-Item Env:FABSTIR_KEYSTORE_PASSWORD -ErrorAction Ignore
        }

        It 'unlocks it and gives the key to the node only' {
            $env:FABSTIR_KEYSTORE_PASSWORD = 'keystore-test-password'

            $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node

            $nodeEnvironment = (Get-Content "/proc/$($node.ProcessId)/environ" -Raw) -split "`0"
            $nodeEnvironment | Should -Contain "HOST_PRIVATE_KEY=$key"
            $nodeEnvironment | Where-Object { $_ -like 'FABSTIR_KEYSTORE_PASSWORD=*' } | Should -BeNullOrEmpty
            $supervisor = (Get-Content "/proc/$($node.SupervisorProcessId)/environ" -Raw) + (Get-Content "/proc/$($node.SupervisorProcessId)/cmdline" -Raw)
            $supervisor | Should -Not -Match $key.Substring(2)
        }

        It 'refuses to start a node without the key when the keystore cannot be unlocked' {
            { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -ErrorAction Stop } |
                Should -Throw -ErrorId "KeystorePasswordRequired$errorSuffix"
            Get-ProcessInHome $t.Home | Should -BeNullOrEmpty
        }
    }

    It 'finds the binary through <Source> when neither -NodePath nor the configuration names one' -TestCases @(
        @{ Source = 'FABSTIR_NODE_PATH' }
        @{ Source = 'PATH' }
    ) {
        $savedNodePath = $env:FABSTIR_NODE_PATH
        $savedPath = $env:PATH
        try {
            if ($Source -eq 'PATH') {
                Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction Ignore
                $env:PATH = (Split-Path $t.Node) + [IO.Path]::PathSeparator + $env:PATH
            }
            else {
                $env:FABSTIR_NODE_PATH = $t.Node
            }

            $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port
        }
        finally {
            if ($null -ne $savedNodePath) { $env:FABSTIR_NODE_PATH = $savedNodePath }
            else { Remove-Item Env:FABSTIR_NODE_PATH -ErrorAction Ignore }
            $env:PATH = $savedPath
        }

        $node.Status | Should -Be 'Ready'
        $node.NodePath | Should -Be $t.Node
    }

    It 'says what to give when there are neither parameters nor configuration' {
        { Start-FabstirNode -ErrorAction Stop } | Should -Throw -ErrorId "NodeSettingsMissing$errorSuffix" -ExpectedMessage '*-ModelPath*'
    }

    It 'reads a relative model path in config.json as relative to the home folder' {
        Copy-Item $t.Model (Join-Path $t.Home 'from-config.gguf')
        Set-Content (Join-Path $t.Home 'config.json') (@{
            modelPath = 'from-config.gguf'; apiPort = $t.Port; nodePath = $t.Node
        } | ConvertTo-Json)
        Push-Location ([IO.Path]::GetTempPath())
        try {
            $node = Start-FabstirNode
        }
        finally {
            Pop-Location
        }

        $node.ModelPath | Should -Be (Join-Path $t.Home 'from-config.gguf')
    }

    It 'makes a relative model path absolute' {
        Push-Location $t.Home
        try {
            $node = Start-FabstirNode -ModelPath ./tiny.gguf -Port $t.Port -NodePath $t.Node
        }
        finally {
            Pop-Location
        }

        $node.ModelPath | Should -Be $t.Model
    }

    It 'refuses a missing model file' {
        { Start-FabstirNode -ModelPath (Join-Path $t.Home 'none.gguf') -Port $t.Port -NodePath $t.Node -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelFileNotFound$errorSuffix" -ExpectedMessage '*none.gguf*does not exist*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses a file that is not GGUF' {
        $notGguf = Join-Path $t.Home 'model.bin'
        Set-Content $notGguf 'not a model'
        $failure = { Start-FabstirNode -ModelPath $notGguf -Port $t.Port -NodePath $t.Node -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelFileNotGguf$errorSuffix" -PassThru
        $failure.Exception.Message | Should -BeLike '*model.bin*not a GGUF file*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidData'
        $failure.TargetObject | Should -Be $notGguf
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses a missing binary' {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath (Join-Path $t.Home 'nope') -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeBinaryNotFound$errorSuffix" -ExpectedMessage '*nope*does not exist*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'says a folder given as the <What> is a folder' -TestCases @(
        @{ What = 'model'; ErrorId = 'ModelFileNotFound' }
        @{ What = 'binary'; ErrorId = 'NodeBinaryNotFound' }
    ) {
        $arguments = @{ ModelPath = $t.Model; Port = $t.Port; NodePath = $t.Node; ErrorAction = 'Stop' }
        if ($What -eq 'model') { $arguments.ModelPath = $t.Home } else { $arguments.NodePath = $t.Home }
        $failure = { Start-FabstirNode @arguments } | Should -Throw -ErrorId "$ErrorId$errorSuffix" -PassThru
        $failure.Exception.Message | Should -BeLike "*'$($t.Home)' is a folder*"
        $failure.TargetObject | Should -Be $t.Home
    }

    It 'names the P2P port, not P2P port + 2, when an API port near 65535 leaves no room for it' {
        $failure = { Start-FabstirNode -ModelPath $t.Model -Port 65534 -NodePath $t.Node -ErrorAction Stop } |
            Should -Throw -ErrorId "PortOutOfRange$errorSuffix" -PassThru
        $failure.TargetObject | Should -Be 65535
        $failure.Exception.Message | Should -BeLike '*P2P port 65535*-P2PPort 65533 or lower*'
    }

    It 'refuses a binary that is not executable' {
        $binary = Join-Path $t.Home 'fabstir-llm-node'
        Set-Content $binary '#!/bin/sh'
        chmod 644 $binary
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $binary -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeBinaryNotExecutable$errorSuffix" -ExpectedMessage '*chmod +x*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses an API port in use' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $t.Port)
        $listener.Start()
        try {
            { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -ErrorAction Stop } |
                Should -Throw -ErrorId "ApiPortInUse$errorSuffix" -ExpectedMessage "*Port $($t.Port)/TCP*API port*"
        }
        finally {
            $listener.Stop()
        }

        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses P2P port <Offset> (<Protocol>) in use' -TestCases @(
        @{ Offset = 0; Protocol = 'TCP' }
        @{ Offset = 1; Protocol = 'TCP' }
        @{ Offset = 2; Protocol = 'UDP' }
    ) {
        $port = $t.Port + 1 + $Offset
        $holder = if ($Protocol -eq 'TCP') {
            $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, $port); $l.Start(); $l
        }
        else {
            [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Any, $port))
        }

        try {
            { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -ErrorAction Stop } |
                Should -Throw -ErrorId "P2PPortInUse$errorSuffix" -ExpectedMessage "*Port $port/$Protocol*"
        }
        finally {
            if ($Protocol -eq 'TCP') { $holder.Stop() } else { $holder.Dispose() }
        }

        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses an API port on TCP P2P port P+1 with the same words' {
        { Start-FabstirNode -ModelPath $t.Model -Port ($t.Port + 1) -P2PPort $t.Port -NodePath $t.Node -ErrorAction Stop } |
            Should -Throw -ErrorId "PortConflict$errorSuffix" `
                -ExpectedMessage "The API port $($t.Port + 1) is one of the node's TCP P2P ports $($t.Port) and $($t.Port + 1)*"
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'starts with the API port on the UDP QUIC port P+2, where TCP and UDP do not collide' {
        $node = Start-FabstirNode -ModelPath $t.Model -Port ($t.Port + 2) -P2PPort $t.Port -NodePath $t.Node

        $node.Status | Should -Be 'Ready'
        $node.ApiPort | Should -Be ($t.Port + 2)
        $node.P2PPort | Should -Be $t.Port
        $node | Stop-FabstirNode
    }

    It 'refuses an API port among the P2P ports before starting anything' {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -P2PPort $t.Port -NodePath $t.Node -ErrorAction Stop } |
            Should -Throw -ErrorId "PortConflict$errorSuffix" -ExpectedMessage "*API port $($t.Port)*"
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses the environment name ''<Name>'' before starting anything' -TestCases @(
        @{ Name = ''; ErrorId = 'InvalidEnvironmentName' }
        @{ Name = 'A=B'; ErrorId = 'InvalidEnvironmentName' }
        @{ Name = 'HF_TOKEN'; ErrorId = 'SecretInEnvironment' }
        @{ Name = 'HOST_PRIVATE_KEY'; ErrorId = 'SecretInEnvironment' }
        @{ Name = 'API_PORT'; ErrorId = 'ReservedEnvironmentVariable' }
        @{ Name = 'P2P_PORT'; ErrorId = 'ReservedEnvironmentVariable' }
        @{ Name = 'MODEL_PATH'; ErrorId = 'ReservedEnvironmentVariable' }
    ) {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -Environment @{ $Name = 'x' } -ErrorAction Stop } |
            Should -Throw -ErrorId "$ErrorId$errorSuffix"
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        Test-Path (Join-Path $t.Home 'config.json') | Should -BeFalse
    }

    It 'refuses what Set-FabstirHostConfig refuses: <Case>, before starting or saving anything' -TestCases @(
        @{ Case = 'a log level with a newline'; Arguments = @{ LogLevel = "bad`nlevel" }; ErrorId = 'InvalidLogLevel' }
        @{ Case = 'a misspelt log level'; Arguments = @{ LogLevel = 'verbose' }; ErrorId = 'InvalidLogLevel' }
        @{ Case = 'a NUL in a value'; Arguments = @{ Environment = @{ FOO = "a`0b" } }; ErrorId = 'InvalidEnvironmentValue' }
        @{ Case = 'a newline after a name'; Arguments = @{ Environment = @{ "FOO`n" = 'x' } }; ErrorId = 'InvalidEnvironmentName' }
    ) {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId "$ErrorId$errorSuffix"
        { Set-FabstirHostConfig @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId "$ErrorId,FabstirHost.Commands.SetFabstirHostConfigCommand"
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        Test-Path (Join-Path $t.Home 'config.json') | Should -BeFalse
    }

    It 'refuses a log level saved by hand in config.json that Set-FabstirHostConfig would refuse' {
        Set-Content (Join-Path $t.Home 'config.json') (@{
            modelPath = $t.Model; apiPort = $t.Port; nodePath = $t.Node; logLevel = 'verbose'
        } | ConvertTo-Json)

        { Start-FabstirNode -ErrorAction Stop } | Should -Throw -ErrorId "InvalidLogLevel$errorSuffix"
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses an API_PORT that would override -Port, naming the parameter to use' {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -Environment @{ API_PORT = "$($t.Port + 10)" } -ErrorAction Stop } |
            Should -Throw -ErrorId "ReservedEnvironmentVariable$errorSuffix" -ExpectedMessage '*-Port*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses a module-owned variable saved in config.json, saying how to remove it' {
        Set-Content (Join-Path $t.Home 'config.json') (@{
            modelPath = $t.Model; apiPort = $t.Port; nodePath = $t.Node; environment = @{ P2P_PORT = 'abc' }
        } | ConvertTo-Json)

        { Start-FabstirNode -ErrorAction Stop } |
            Should -Throw -ErrorId "ReservedEnvironmentVariable$errorSuffix" -ExpectedMessage '*-P2PPort*P2P_PORT = $null*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses a malformed private key from <Source> before starting anything, without showing it' -TestCases @(
        @{ Source = '-PrivateKey'; Variable = $null }
        @{ Source = 'HOST_PRIVATE_KEY'; Variable = 'HOST_PRIVATE_KEY' }
    ) {
        $badKey = '0x1234notakey'
        $arguments = @{ ModelPath = $t.Model; Port = $t.Port; NodePath = $t.Node; ErrorAction = 'Stop' }
        if ($Variable) { Set-Item "Env:$Variable" $badKey }
        else { $arguments.PrivateKey = ConvertTo-SecureString $badKey -AsPlainText -Force }
        try {
            $failure = { Start-FabstirNode @arguments } | Should -Throw -ErrorId "InvalidPrivateKey$errorSuffix" -PassThru
        }
        finally {
            if ($Variable) { Remove-Item "Env:$Variable" }
        }

        $failure.Exception.Message | Should -BeLike "*$Source*"
        $failure.Exception.Message | Should -Not -BeLike "*$badKey*"
        (Get-FabstirNode).Status | Should -Be 'Stopped'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'returns a node that pipes into Test-FabstirEndpoint' {
        $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node
        $node | Test-FabstirEndpoint -WarningAction SilentlyContinue | Should -BeExactly $true
    }

    It 'fails at once when the node exits before it is ready, with the node''s own lines' {
        $wrapper = New-NodeWrapper $t 'MODEL_PATH=/nonexistent/gone.gguf'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $wrapper -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeExitedEarly$errorSuffix" -ExpectedMessage '*code 1*Model file not found at: /nonexistent/gone.gguf*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'fails when the model fails to load although the banner follows' {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -Environment @{ FABSTIR_STANDIN_LOAD_FAIL = '1' } -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeModelLoadFailed$errorSuffix" -ExpectedMessage '*Failed to load model*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        (Get-FabstirNode).Status | Should -Be 'Stopped'
    }

    It 'times out naming the phase reached and leaves nothing running' {
        { Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -ReadyTimeoutSec 8 -Environment @{ FABSTIR_STANDIN_HANG_BEFORE_READY = '1' } -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeReadyTimeout$errorSuffix" -ExpectedMessage '*within 8 s*P2PStarted*'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'refuses a second start while the node runs' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
        { Start-FabstirNode -ErrorAction Stop } |
            Should -Throw -ErrorId "NodeAlreadyRunning$errorSuffix" -ExpectedMessage "*already running*Stop-FabstirNode*"
        @(Get-ProcessInHome $t.Home).Count | Should -Be 2
    }

    It 'starts nothing with -WhatIf' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -WhatIf | Should -BeNullOrEmpty
        (Get-FabstirNode).Status | Should -Be 'Stopped'
        Test-Path (Join-Path $t.Home 'config.json') | Should -BeFalse
    }

    It 'with -Wait stays until the node stops, and a SIGTERM to PowerShell stops the node' {
        $pwsh = (Get-Process -Id $PID).Path
        $arguments = @()
        if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $arguments += Join-Path $PSHOME 'pwsh.dll' }
        $script = "Import-Module '$env:FABSTIR_TEST_MODULE'; Start-FabstirNode -ModelPath '$($t.Model)' -Port $($t.Port) -NodePath '$($t.Node)' -Wait -Verbose"
        $arguments += @('-NoProfile', '-NonInteractive', '-Command', $script)
        $foreground = Start-Process $pwsh -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $t.Home 'fg.out')
        try {
            $node = Wait-FabstirNode -TimeoutSec 60
            $node.Status | Should -Be 'Ready'
            $output = Join-Path $t.Home 'fg.out'
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Select-String -LiteralPath $output -Pattern 'Waiting in the foreground' -Quiet) -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }

            $foreground.HasExited | Should -BeFalse

            /bin/kill -TERM $foreground.Id

            $foreground.WaitForExit(30000) | Should -BeTrue
            (Get-FabstirNode).Status | Should -Be 'Stopped'
            Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        }
        finally {
            if (-not $foreground.HasExited) { $foreground.Kill() }
        }
    }
}
