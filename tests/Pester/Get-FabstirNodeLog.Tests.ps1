BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
}

Describe 'Get-FabstirNodeLog' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'returns nothing before any node ran' {
        Get-FabstirNodeLog | Should -BeNullOrEmpty
    }

    It 'returns the last lines as typed objects without colour codes, shown as their text' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null

        $lines = Get-FabstirNodeLog -Tail 500

        $lines[0].GetType().FullName | Should -Be 'FabstirHost.Core.Node.NodeLogLine'
        $lines.Text | Should -Contain '✅ P2P node started'
        $lines.Stream | Should -Contain 'Stderr'
        $lines.Stream | Should -Contain 'Supervisor'
        ($lines | Where-Object Level -eq 'INFO').Count | Should -BeGreaterThan 0
        ($lines.Text -join "`n") | Should -Not -Match "`e\["
        $lines[0].Time | Should -BeOfType [DateTime]
        (@(Get-FabstirNodeLog -Tail 3)).Count | Should -Be 3
        (Get-FabstirNodeLog -Tail 1 | Out-String).Trim() | Should -Be (Get-FabstirNodeLog -Tail 1).Text
    }

    It 'keeps colour codes with -Raw' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
        ((Get-FabstirNodeLog -Tail 500 -Raw).Text -join "`n") | Should -Match "`e\["
    }

    It 'follows new lines with -Wait, across a restart, until stopped' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null
        $follower = [powershell]::Create()
        try {
            $null = $follower.AddScript("`$env:FABSTIR_HOME = '$($t.Home)'; Import-Module '$env:FABSTIR_TEST_MODULE'; Get-FabstirNodeLog -Tail 0 -Wait")
            $collected = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $async = $follower.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $collected)
            Start-Sleep -Milliseconds 500
            Restart-FabstirNode | Out-Null

            # Read by index: enumerating an open PSDataCollection blocks until it is completed.
            $texts = { @(for ($i = 0; $i -lt $collected.Count; $i++) { $collected[$i].Text }) }
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not ((& $texts) -match 'Fabstir LLM Node is running') -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }

            & $texts | Should -Contain '👋 Goodbye!'
            @((& $texts) -match 'Fabstir LLM Node is running').Count | Should -Be 1
        }
        finally {
            $follower.Stop()
            $follower.Dispose()
        }
    }
}
