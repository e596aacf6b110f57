BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
}

Describe 'Restart-FabstirNode' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'stops the node and starts it again with the same settings, ready' {
        $before = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -Environment @{ FABSTIR_STANDIN_NODE_NAME = 'kept' }

        $after = $before | Restart-FabstirNode

        $after.Status | Should -Be 'Ready'
        $after.ProcessId | Should -Not -Be $before.ProcessId
        $after.ApiPort | Should -Be $t.Port
        $after.ModelPath | Should -Be $t.Model
        (Get-Content "/proc/$($after.ProcessId)/environ" -Raw) -split "`0" | Should -Contain 'FABSTIR_STANDIN_NODE_NAME=kept'
    }

    It 'keeps -MaxRestarts and -RestartDelaySec of the last start' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -MaxRestarts 2 -RestartDelaySec 7 | Out-Null

        Restart-FabstirNode | Out-Null

        $settings = (Get-Content (Join-Path $t.Home 'node/state.json') -Raw | ConvertFrom-Json).settings
        $settings.maxRestarts | Should -Be 2
        $settings.restartDelayMs | Should -Be 7000
    }

    It 'starts the configured node when none ran, reading relative paths in config.json against the home' {
        Copy-Item $t.Model (Join-Path $t.Home 'from-config.gguf')
        Set-Content (Join-Path $t.Home 'config.json') (@{
            modelPath = 'from-config.gguf'; apiPort = $t.Port; nodePath = $t.Node
        } | ConvertTo-Json)
        Push-Location ([IO.Path]::GetTempPath())
        try {
            $node = Restart-FabstirNode
        }
        finally {
            Pop-Location
        }

        $node.Status | Should -Be 'Ready'
        $node.ModelPath | Should -Be (Join-Path $t.Home 'from-config.gguf')
    }

    It 'refuses an API_PORT saved in config.json instead of starting the node on another port' {
        Set-Content (Join-Path $t.Home 'config.json') (@{
            modelPath = $t.Model; apiPort = $t.Port; nodePath = $t.Node; environment = @{ API_PORT = "$($t.Port + 10)" }
        } | ConvertTo-Json)

        { Restart-FabstirNode -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReservedEnvironmentVariable,FabstirHost.Commands.RestartFabstirNodeCommand'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }

    It 'says what to give when nothing was ever started or configured' {
        { Restart-FabstirNode -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodeSettingsMissing,FabstirHost.Commands.RestartFabstirNodeCommand'
    }
}
