BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
}

Describe 'Stop-FabstirNode' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'stops a node piped from Get-FabstirNode, gracefully, and its supervisor' {
        $started = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node

        $after = Get-FabstirNode | Stop-FabstirNode -PassThru -Verbose 4>&1

        $verbose = @($after | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Sending SIGINT to the node (process $($started.ProcessId))."
        ($after | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'Stopped'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        Get-FabstirNodeLog -Tail 10 | ForEach-Object Text | Should -Contain '👋 Goodbye!'
    }

    It 'changes nothing and says so when the node is not running' {
        $output = Stop-FabstirNode -Verbose 4>&1
        ($output | ForEach-Object Message) -join "`n" | Should -Match 'No node is running'
        Test-Path (Join-Path $t.Home 'node/state.json') | Should -BeFalse
    }

    It 'stops nothing with -WhatIf' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
        Stop-FabstirNode -WhatIf
        (Get-FabstirNode).Status | Should -Be 'Ready'
    }

    It 'does not signal a process that took over the recorded id' {
        $sleeper = Start-Process sleep -ArgumentList 60 -PassThru
        try {
            New-Item -ItemType Directory (Join-Path $t.Home 'node') -Force | Out-Null
            @{ status = 'Ready'; supervisorPid = $sleeper.Id; supervisorStartToken = '1'; nodePid = $sleeper.Id; nodeStartToken = '1'
                settings = @{ apiPort = $t.Port; modelPath = $t.Model } } |
                ConvertTo-Json | Set-Content (Join-Path $t.Home 'node/state.json')

            (Get-FabstirNode).Status | Should -Be 'Stale'
            Stop-FabstirNode -WarningVariable warnings -WarningAction SilentlyContinue

            $sleeper.HasExited | Should -BeFalse
            "$warnings" | Should -Match 'stale'
            (Get-FabstirNode).Status | Should -Be 'Stopped'
        }
        finally {
            $sleeper.Kill()
        }
    }
}
