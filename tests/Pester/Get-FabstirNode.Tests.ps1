BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
}

Describe 'Get-FabstirNode' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'reports Stopped when nothing was started' {
        $node = Get-FabstirNode
        $node.Status | Should -Be 'Stopped'
        $node.ProcessId | Should -BeNullOrEmpty
        $node.Phase | Should -BeNullOrEmpty
    }

    It 'shows no phase once the node is stopped, in the object, the state file or the table' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Stop-FabstirNode

        $node = Get-FabstirNode
        $node.Status | Should -Be 'Stopped'
        $node.Phase | Should -BeNullOrEmpty
        (Get-Content (Join-Path $t.Home 'node/state.json') -Raw | ConvertFrom-Json).PSObject.Properties.Name |
            Should -Not -Contain 'phase'
        $node | Format-Table | Out-String | Should -Not -Match 'Running'
    }

    It 'reports a running node with its processes, health, version and log' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null

        $node = Get-FabstirNode

        $node.Status | Should -Be 'Ready'
        $node.SupervisorAlive | Should -BeTrue
        $node.HealthStatus | Should -Be 'degraded'
        $node.Version | Should -Be '8.38.0'
        $node.LocalUrl | Should -Be "http://127.0.0.1:$($t.Port)"
        $node.Uptime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $node.LogPath | Should -Be (Join-Path $t.Home 'node/logs/node.log')
        $table = $node | Format-Table | Out-String -Width 200
        $table | Should -Match 'Ready\s+\d+\s+http://127\.0\.0\.1'
        $table | Should -Match 'degraded'
    }

    It 'reports a crash, the restart count and the last exit code' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -RestartDelaySec 0.1 -Environment @{
            FABSTIR_STANDIN_CRASH_AFTER_READY_MS = '1000'; FABSTIR_STANDIN_CRASH_MODE = 'exit' } | Out-Null

        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        do {
            Start-Sleep -Milliseconds 100
            $node = Get-FabstirNode
        } until (($node.RestartCount -ge 1 -and $node.Status -eq 'Ready') -or [DateTime]::UtcNow -gt $deadline)

        $node.Status | Should -Be 'Ready'
        $node.RestartCount | Should -BeGreaterOrEqual 1
        $node.LastExitCode | Should -Be 1
    }

    It 'reports a damaged state file with its path' {
        New-Item -ItemType Directory (Join-Path $t.Home 'node') | Out-Null
        $state = Join-Path $t.Home 'node/state.json'
        Set-Content $state '{ damaged'
        { Get-FabstirNode -ErrorAction Stop } |
            Should -Throw -ErrorId 'StateFileDamaged,FabstirHost.Commands.GetFabstirNodeCommand' -ExpectedMessage "*$state*"
        Get-Content $state -Raw | Should -Match 'damaged'
    }

    It 'reports a killed supervisor, and Stop still stops the node' {
        $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node
        Stop-Process -Id $node.SupervisorProcessId -Force
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do { $orphan = Get-FabstirNode } while ($orphan.SupervisorAlive -and [DateTime]::UtcNow -lt $deadline)

        $orphan.SupervisorAlive | Should -BeFalse
        $orphan.ProcessId | Should -Be $node.ProcessId

        Stop-FabstirNode -WarningAction SilentlyContinue
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
        (Get-FabstirNode).Status | Should -Be 'Stopped'
    }
}
