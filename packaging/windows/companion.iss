; Inno Setup script for the Windows installer (build on Windows; see docs/packaging.md).
; First: pyinstaller packaging\pyinstaller\companion.spec --distpath dist
[Setup]
AppName=Companion
AppVersion=0.1.0
AppPublisher=Companion developers
DefaultDirName={autopf}\Companion
DefaultGroupName=Companion
OutputBaseFilename=companion-setup-0.1.0
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
PrivilegesRequired=lowest

[Files]
Source: "..\..\dist\companion\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
; companion.exe is windowed and, with no arguments, opens the overlay (companion run).
Name: "{group}\Companion"; Filename: "{app}\companion.exe"
Name: "{group}\Uninstall Companion"; Filename: "{uninstallexe}"
