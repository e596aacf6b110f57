# A FABSTIR_HOME of its own for each test (dot-sourced): a fresh folder under the temp folder, and
# its removal, which touches only such a folder.

function New-TestHome {
    $path = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-pester-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $path | Out-Null
    return $path
}

# Removes the home New-TestHome made for this test (only such a folder under the temp folder) and
# the environment that pointed at it and carried the key.
function Remove-TestHome {
    $path = $env:FABSTIR_HOME
    $temp = [IO.Path]::GetTempPath()
    if ($path -and $path.StartsWith($temp) -and (Split-Path $path -Leaf) -like 'fabstir-pester-*') {
        Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction SilentlyContinue
    }

    Remove-Item Env:FABSTIR_HOME, Env:FABSTIR_HOST_PRIVATE_KEY -ErrorAction SilentlyContinue
}
