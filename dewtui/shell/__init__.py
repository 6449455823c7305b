"""The app's frame: the App, its areas, palette, help, the bridge to the engine, the scheduler
bridge and display formatting. Areas never import the shell's app; the app imports the areas."""
