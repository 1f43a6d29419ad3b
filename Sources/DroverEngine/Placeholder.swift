import DroverCore
